import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fromFieldsV1, pathString, readFieldsV1, toFieldsV1, canonicalJson } from './field-set';

// toFieldsV1 as first written (isEmpty asked at every node): the encoding the one-walk version must keep.
function referenceV1(set: FieldSet): Record<string, unknown> {
  const order: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };
  const cmp = (a: string, b: string) =>
    order[a[0]] - order[b[0]] || (a[0] === 'i' ? Number(a.slice(2)) - Number(b.slice(2)) : a < b ? -1 : a > b ? 1 : 0);
  const out: Record<string, unknown> = {};
  if (set.member && set.children.size) out['.'] = {};
  for (const el of [...set.children.keys()].sort(cmp)) {
    const c = set.children.get(el)!;
    if (!c.isEmpty()) out[el] = referenceV1(c);
  }
  return out;
}

/** A random set with member and non-member nodes, empty subtrees (descend without insert) and every element kind. */
function randomSet(seed: number): FieldSet {
  let x = seed;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
  const els = ['f:a', 'f:b', 'f:zz', 'k:{"name":"x"}', 'k:{"name":"a"}', 'v:"s"', 'v:1', 'i:10', 'i:2', 'f:.dot'];
  const set = new FieldSet();
  for (let n = 0; n < 30; n++) {
    const path = Array.from({ length: 1 + rnd(5) }, () => els[rnd(els.length)]);
    if (rnd(4) === 0) set.descend(path);
    else set.insert(path);
  }
  if (rnd(2)) set.member = true;
  return set;
}

describe('field sets', () => {
  test('fieldsV1 round-trips, with "." on members that have children', () => {
    const v1 = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    };
    const set = fromFieldsV1(v1);
    assert.ok(set.has(['f:metadata', 'f:labels']));
    assert.ok(!set.has(['f:metadata']));
    assert.ok(set.has(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']));
    assert.deepEqual(toFieldsV1(set), v1);
  });

  test('encoding drops empty subtrees and orders elements as the first version did', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const set = randomSet(seed);
      assert.equal(JSON.stringify(toFieldsV1(set)), JSON.stringify(referenceV1(set)), `seed ${seed}`);
    }
    const empty = new FieldSet();
    empty.descend(['f:a', 'f:b']);
    assert.deepEqual(toFieldsV1(empty), {});
  });

  test('fieldsV1 reads as canonical exactly when encoding its set gives the same text', () => {
    // Each encoding, and variants with keys reordered, "." moved, alone or not empty.
    const variants = (v: Record<string, unknown>): Record<string, unknown>[] => {
      const keys = Object.keys(v);
      const out: Record<string, unknown>[] = [v, Object.fromEntries([...keys].reverse().map((k) => [k, v[k]]))];
      if (keys.includes('.')) out.push({ ...Object.fromEntries(keys.filter((k) => k !== '.').map((k) => [k, v[k]])), '.': {} });
      out.push({ ...v, '.': { x: {} } }, { '.': {} });
      return out;
    };
    let canonical = 0;
    let not = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const encoded = toFieldsV1(randomSet(seed));
      const inner = Object.values(encoded).find((c) => Object.keys(c as object).length) as Record<string, unknown> | undefined;
      const candidates = [
        ...variants(encoded),
        ...(inner ? variants(inner).map((i) => ({ ...encoded, [Object.keys(encoded).find((k) => encoded[k] === inner)!]: i })) : []),
      ];
      for (const value of candidates) {
        const read = readFieldsV1(value);
        const same = JSON.stringify(toFieldsV1(read.set)) === JSON.stringify(value);
        assert.equal(read.canonical, same, `seed ${seed}: ${JSON.stringify(value)}`);
        if (same) canonical++;
        else not++;
      }
    }
    assert.ok(canonical > 200 && not > 200, `both kinds seen (${canonical}, ${not})`);
  });

  test('overlaps is true exactly when the sets share a member', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const a = randomSet(seed);
      const b = randomSet(seed + 1000);
      assert.equal(a.overlaps(b), !a.intersection(b).isEmpty(), `seed ${seed}`);
      assert.equal(a.overlaps(a), !a.isEmpty());
    }
  });

  test('malformed fieldsV1 is refused', () => {
    assert.throws(() => fromFieldsV1({ 'x:y': {} }), /unknown fieldsV1 path element/);
    assert.throws(() => fromFieldsV1({ 'f:a': 1 }), /must be an object/);
    assert.throws(() => fromFieldsV1({ 'k:{bad': {} }));
  });

  test('union, difference and intersection work member by member', () => {
    const a = new FieldSet();
    a.insert(['f:data', 'f:x']);
    a.insert(['f:data', 'f:y']);
    const b = new FieldSet();
    b.insert(['f:data', 'f:y']);
    b.insert(['f:data', 'f:z']);
    assert.deepEqual(a.difference(b).paths(), [['f:data', 'f:x']]);
    assert.deepEqual(a.intersection(b).paths(), [['f:data', 'f:y']]);
    assert.equal(a.union(b).paths().length, 3);
    assert.ok(a.difference(a).isEmpty());
  });

  test('paths print as upstream prints them in conflicts', () => {
    assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), '.spec.containers[name="web"].image');
    assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
    assert.equal(pathString(['f:items', 'i:2']), '.items[2]');
  });

  test('canonical JSON sorts keys as Go does', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }), '{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });
});
