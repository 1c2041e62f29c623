import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRowEvents, rowSetFrom, toRow, type Row } from './table-model';
import { deriveView, noQuery } from './row-view';

const columns = [
  { name: 'Name', type: 'string', format: 'name' },
  { name: 'Status', type: 'string' },
  { name: 'Restarts', type: 'integer' },
  { name: 'Age', type: 'string' },
];
let seq = 0;
const row = (name: string, status: string, restarts = 0, ns = 'default', created = '2024-01-01T00:00:00Z'): Row =>
  toRow(
    {
      cells: [name, status, restarts, '1m'],
      object: { metadata: { name, namespace: ns, uid: `u-${name}`, creationTimestamp: created, resourceVersion: String(++seq) } },
    },
    columns,
  );

test('filter matches name, namespace and any cell; all terms must match', () => {
  const src = [row('web-1', 'Running'), row('web-2', 'Pending', 0, 'prod'), row('db-0', 'Running', 0, 'prod')];
  const v = (filter: string) => deriveView(undefined, src, { ...noQuery, filter }, columns).rows.map((r) => r.name);
  assert.deepEqual(v('WEB'), ['web-1', 'web-2']);
  assert.deepEqual(v('prod'), ['web-2', 'db-0']);
  assert.deepEqual(v('prod running'), ['db-0']);
  assert.deepEqual(v(''), ['web-1', 'web-2', 'db-0']);
});

test('sort: natural order for strings, numbers as numbers, age youngest first, desc', () => {
  const src = [
    row('web-10', 'Running', 10, 'a', '2024-01-01T00:00:00Z'),
    row('web-2', 'Pending', 2, 'a', '2024-01-03T00:00:00Z'),
    row('web-1', 'Error', 9, 'a', '2024-01-02T00:00:00Z'),
  ];
  const names = (sortColumn: number, sortDesc = false) =>
    deriveView(undefined, src, { filter: '', sortColumn, sortDesc }, columns).rows.map((r) => r.name);
  assert.deepEqual(names(0), ['web-1', 'web-2', 'web-10']);
  assert.deepEqual(names(0, true), ['web-10', 'web-2', 'web-1']);
  assert.deepEqual(names(2), ['web-2', 'web-1', 'web-10']);
  assert.deepEqual(names(3), ['web-2', 'web-1', 'web-10']);
});

test('modify-only batches patch the view; changes of match or order recompute it', () => {
  const set = rowSetFrom([row('a', 'Running'), row('b', 'Running'), row('c', 'Pending')]);
  const q = { filter: 'running', sortColumn: 0, sortDesc: true };
  const v1 = deriveView(undefined, set.rows, q, columns);
  assert.deepEqual(
    v1.rows.map((r) => r.name),
    ['b', 'a'],
  );

  const b1 = applyRowEvents(set, [{ type: 'MODIFIED', row: row('a', 'Running', 5) }]);
  const v2 = deriveView(v1, b1.rows, q, columns, b1);
  assert.deepEqual(
    v2.rows.map((r) => `${r.name}:${r.cells[2]}`),
    ['b:0', 'a:5'],
  );
  assert.equal(v2.positions, v1.positions, 'patched, not recomputed');

  const b2 = applyRowEvents(b1, [{ type: 'MODIFIED', row: row('c', 'Running') }]);
  const v3 = deriveView(v2, b2.rows, q, columns, b2);
  assert.deepEqual(
    v3.rows.map((r) => r.name),
    ['c', 'b', 'a'],
  );

  const b3 = applyRowEvents(b2, [{ type: 'DELETED', row: row('b', '') }]);
  assert.deepEqual(
    deriveView(v3, b3.rows, q, columns, b3).rows.map((r) => r.name),
    ['c', 'a'],
  );
});

test('50,000 rows filter to exactly the matches (speed: npm run bench -- ui)', () => {
  const many = Array.from({ length: 50_000 }, (_, i) => row(`pod-${i}`, i % 7 ? 'Running' : 'Pending', i % 5, `ns-${i % 20}`));
  const v = deriveView(undefined, many, { ...noQuery, filter: 'pod-4999' }, columns);
  assert.equal(v.rows.length, 11);
  assert.ok(v.rows.every((r) => r.name.includes('pod-4999')));
});
