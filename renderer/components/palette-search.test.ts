import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyFilter } from '../k8s/fuzzy';
import { cachedKey, createPaletteSearch, itemText, sameKeys, type PaletteItem, type SearchSource } from './palette-search';

const item = (label: string, hint: string): PaletteItem => ({ id: `${hint}:${label}`, label, hint, run() {} });
const source = (items: PaletteItem[], skip?: (i: PaletteItem) => boolean): SearchSource<PaletteItem> => ({
  items,
  key: (i) => itemText(i.label, i.hint),
  skip,
  toItem: (i) => i,
});

/** One search with nothing remembered. */
const searchSources = (sources: SearchSource<unknown>[], q: string, limit: number) => createPaletteSearch().search(sources, q, limit);

void test('search across sources ranks as one fuzzy filter over all of them', () => {
  const kinds = ['Pods', 'Deployments', 'Services', 'ConfigMaps'].map((k) => item(k, 'kind'));
  const rows = Array.from({ length: 300 }, (_, i) => item(`load-${i}`, 'Pod in default'));
  const others = Array.from({ length: 200 }, (_, i) => item(`app-${i % 40}-${i}`, i % 2 ? 'Service in default' : 'ConfigMap in default'));
  const all = [...kinds, ...rows, ...others];
  for (const q of ['', 'l', 'load-9', 'pod', 'svc', 'ap1', 'cm def', 'zzz'])
    assert.deepEqual(
      searchSources([source(kinds), source(rows), source(others)], q, 60).map((i) => i.id),
      fuzzyFilter(all, q, (i) => `${i.label} ${i.hint}`, 60).map((i) => i.id),
      `query "${q}"`,
    );
});

void test('skipped candidates are not offered; only the kept ones become items', () => {
  const rows = [item('web-1', 'Pod'), item('web-2', 'Pod')];
  const made: string[] = [];
  const objects: SearchSource<string> = {
    items: ['web-1', 'web-svc', 'db'],
    key: (s) => `${s} service in default`,
    skip: (s) => s === 'web-1',
    toItem: (s) => (made.push(s), item(s, 'Service')),
  };
  const ids = searchSources([source(rows), objects], 'web', 2).map((i) => i.label);
  assert.deepEqual(ids, ['web-1', 'web-2']);
  assert.deepEqual(made, [], 'objects outside the best two never became items');
  assert.deepEqual(
    searchSources([source(rows), objects], 'web-s', 5).map((i) => i.label),
    ['web-svc'],
  );
});

void test('cachedKey computes an object key once', () => {
  let calls = 0;
  const key = cachedKey((o: { n: string }) => (calls++, o.n.toLowerCase()));
  const a = { n: 'A' };
  assert.equal(key(a), 'a');
  assert.equal(key(a), 'a');
  assert.equal(key({ n: 'B' }), 'b');
  assert.equal(calls, 2);
});

void test('typing on (each query extending the last) scores only the last matches, with the same results as one search over everything', () => {
  // A fixture shaped like the bench's: many pods on screen, the same pods again among every
  // kind's objects (skipped: on screen already), other kinds, and kinds and views up front.
  const kinds = ['Pods', 'Deployments', 'Services', 'ConfigMaps', 'Map'].map((k) => item(k, 'kind'));
  const rows = Array.from({ length: 5000 }, (_, i) => item(`load-${i}`, 'Pod in default'));
  const others = Array.from({ length: 3000 }, (_, i) =>
    item(i % 3 ? `load-${i}` : `svc-${i % 97}-${i}`, i % 3 ? 'Pod in default' : i % 2 ? 'Service in default' : 'Deployment in default'),
  );
  let keyCalls = 0;
  const counted = (items: PaletteItem[], skip?: (i: PaletteItem) => boolean): SearchSource<PaletteItem> => ({
    items,
    key: (i) => (keyCalls++, itemText(i.label, i.hint)),
    skip,
    toItem: (i) => i,
  });
  const sources = [counted(kinds), counted(rows), counted(others, (i) => i.hint.startsWith('Pod'))];
  const offered = [...kinds, ...rows, ...others.filter((i) => !i.hint.startsWith('Pod'))];
  const search = createPaletteSearch();
  const matches = (q: string, all = offered) => fuzzyFilter(all, q, (i) => `${i.label} ${i.hint}`, all.length).length;
  const check = (q: string, srcs = sources, all = offered) =>
    assert.deepEqual(
      search.search(srcs, q, 60).map((i) => i.id),
      fuzzyFilter(all, q, (i) => `${i.label} ${i.hint}`, 60).map((i) => i.id),
      `query "${q}"`,
    );

  check('l');
  assert.equal(search.scored(), offered.length, 'the first query scores every candidate');
  assert.equal(keyCalls, offered.length, 'each key computed once (skipped candidates never)');
  let before = 'l';
  for (const q of ['lo', 'loa', 'load-9', 'load-99', 'load-99 ', 'load-99 p']) {
    check(q);
    assert.equal(search.scored(), matches(before), `"${q}" scores only what "${before}" matched`);
    before = q;
  }
  // Not an extension: every candidate again (from the kept keys), and the same answers.
  for (const q of ['load-1', 'svc', 's', 'map', 'kind', 'zzz']) {
    check(q);
    if (!q.startsWith(before)) assert.equal(search.scored(), offered.length, `"${q}" after "${before}"`);
    before = q;
  }
  check('zzzz');
  assert.equal(search.scored(), 0, 'nothing matched "zzz", so nothing to score for "zzzz"');
  check('');
  assert.equal(keyCalls, offered.length, 'no key computed twice');

  // New candidates (the list on screen changed): an extending query scores everything again,
  // computing keys only for the new source.
  check('load-4');
  const more = [...rows, item('load-4-new', 'Pod in default')];
  const changed = [sources[0], counted(more), sources[2]];
  const all = [...kinds, ...more, ...others.filter((i) => !i.hint.startsWith('Pod'))];
  check('load-4-', changed, all);
  assert.equal(search.scored(), all.length);
  assert.equal(keyCalls, offered.length + more.length);
});

void test('sameKeys: the same rows by key, in order (a status update keeps them; add, delete, reorder do not)', () => {
  const r = (...keys: string[]) => keys.map((key) => ({ key, status: 'x' }));
  assert.equal(sameKeys(r('a', 'b'), r('a', 'b')), true);
  assert.equal(sameKeys(r('a', 'b'), r('a', 'b', 'c')), false);
  assert.equal(sameKeys(r('a', 'b'), r('b', 'a')), false);
  assert.equal(sameKeys(r('a', 'b'), r('a', 'c')), false);
  assert.equal(sameKeys([], []), true);
});
