import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRowEvents, rowSetFrom, toRow, type Row } from './table-model';

const columns = [
  { name: 'Name', type: 'string', format: 'name' },
  { name: 'Status', type: 'string' },
  { name: 'Restarts', type: 'integer' },
];
const row = (name: string, status: string, uid = `uid-${name}`): Row =>
  toRow({ cells: [name, status, 0], object: { metadata: { name, namespace: 'ns', uid } } }, columns);

test('toRow keys by uid, keeps values and a lowercase search string', () => {
  const r = row('Web-1', 'Running');
  assert.equal(r.key, 'uid-Web-1');
  assert.deepEqual(r.cells, ['Web-1', 'Running', '0']);
  assert.equal(r.values[2], 0);
  assert.ok(r.search.includes('web-1') && r.search.includes('running') && r.search.includes('ns'));
  const noUid = toRow({ cells: ['x', 'y', 1] }, columns);
  assert.equal(noUid.key, '/x');
});

test('batch: modify in place, add at the end, delete compacts and reindexes', () => {
  const set = rowSetFrom([row('a', 'Pending'), row('b', 'Pending'), row('c', 'Pending')]);
  const mod = applyRowEvents(set, [{ type: 'MODIFIED', row: row('b', 'Running') }]);
  assert.equal(mod.structural, false);
  assert.equal(mod.rows[1].cells[1], 'Running');
  assert.equal(set.rows[1].cells[1], 'Pending', 'input untouched');
  assert.deepEqual([...mod.modified.keys()], ['uid-b']);

  const res = applyRowEvents(mod, [
    { type: 'ADDED', row: row('d', 'Pending') },
    { type: 'DELETED', row: row('a', '') },
    { type: 'MODIFIED', row: row('d', 'Running') },
    { type: 'DELETED', row: row('zzz', '') },
  ]);
  assert.equal(res.structural, true);
  assert.deepEqual(
    res.rows.map((r) => r.name),
    ['b', 'c', 'd'],
  );
  assert.equal(res.rows[2].cells[1], 'Running');
  assert.equal(res.index.get('uid-d'), 2);
  assert.equal(res.index.get('uid-a'), undefined);
});

test('several modifications of one row keep the first "before"', () => {
  const set = rowSetFrom([row('a', 'Pending')]);
  const res = applyRowEvents(set, [
    { type: 'MODIFIED', row: row('a', 'ContainerCreating') },
    { type: 'MODIFIED', row: row('a', 'Running') },
  ]);
  const [before, after] = res.modified.get('uid-a')!;
  assert.equal(before.cells[1], 'Pending');
  assert.equal(after.cells[1], 'Running');
});

test('an ADDED for a known key replaces it (relist overlap)', () => {
  const set = rowSetFrom([row('a', 'Pending')]);
  const res = applyRowEvents(set, [{ type: 'ADDED', row: row('a', 'Running') }]);
  assert.equal(res.rows.length, 1);
  assert.equal(res.rows[0].cells[1], 'Running');
});

void test('with includeObject=Object an Event (no spec, status or data) keeps its object; metadata-only rows keep none', () => {
  const event = { kind: 'Event', metadata: { name: 'e', namespace: 'ns', uid: 'u-e' }, reason: 'Failed', message: 'pull failed', count: 3 };
  const r = toRow({ cells: ['e', 'Failed', 0], object: event }, columns, true);
  assert.equal(r.object?.reason, 'Failed');
  assert.equal(r.object?.count, 3);
  const partial = { kind: 'PartialObjectMetadata', metadata: { name: 'e', uid: 'u-e' } };
  assert.equal(toRow({ cells: ['e', '', 0], object: partial }, columns, true).object, undefined);
  assert.equal(toRow({ cells: ['e', '', 0], object: event }, columns, false).object, undefined);
});
