import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyFilter } from '../k8s/fuzzy';
import { cachedKey, itemText, searchSources, type PaletteItem, type SearchSource } from './palette-search';

const item = (label: string, hint: string): PaletteItem => ({ id: `${hint}:${label}`, label, hint, run() {} });
const source = (items: PaletteItem[], skip?: (i: PaletteItem) => boolean): SearchSource<PaletteItem> => ({
  items,
  key: (i) => itemText(i.label, i.hint),
  skip,
  toItem: (i) => i,
});

test('search across sources ranks as one fuzzy filter over all of them', () => {
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

test('skipped candidates are not offered; only the kept ones become items', () => {
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

test('cachedKey computes an object key once', () => {
  let calls = 0;
  const key = cachedKey((o: { n: string }) => (calls++, o.n.toLowerCase()));
  const a = { n: 'A' };
  assert.equal(key(a), 'a');
  assert.equal(key(a), 'a');
  assert.equal(key({ n: 'B' }), 'b');
  assert.equal(calls, 2);
});
