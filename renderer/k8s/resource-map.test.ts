import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResourceGraph, mapColumnTitle, mapObjectFromRow, type MapObject, type ResourceGraph } from './resource-map';
import { toRow } from './table-model';
import type { TableColumnDefinition } from './types';

const obj = (kind: MapObject['kind'], name: string, more: Partial<MapObject> = {}): MapObject => ({
  kind,
  id: `${kind}-${name}`,
  namespace: 'shop',
  name,
  status: '',
  ...more,
});

const names = (g: ResourceGraph) => g.columns.map((c) => c.map((n) => n.name));
const edgeList = (g: ResourceGraph) => g.edges.map((e) => `${g.byId.get(e.from)!.name} -${e.type}-> ${g.byId.get(e.to)!.name}`).sort();

void test('owner chains: Deployment → ReplicaSet → Pods and StatefulSet → Pod, by controller uid', () => {
  const g = buildResourceGraph([
    obj('Pod', 'web-1-b', { controller: 'ReplicaSet-web-1', labels: { app: 'web' } }),
    obj('Pod', 'web-1-a', { controller: 'ReplicaSet-web-1', labels: { app: 'web' } }),
    obj('ReplicaSet', 'web-1', { controller: 'Deployment-web', desired: 2 }),
    obj('Deployment', 'web'),
    obj('StatefulSet', 'db'),
    obj('Pod', 'db-0', { controller: 'StatefulSet-db' }),
  ]);
  assert.deepEqual(edgeList(g), ['db -owns-> db-0', 'web -owns-> web-1', 'web-1 -owns-> web-1-a', 'web-1 -owns-> web-1-b']);
  assert.deepEqual(names(g), [['web', 'db'], ['web-1'], ['db-0', 'web-1-a', 'web-1-b'], [], []]);
});

void test("CronJob → Job → Pod: a CronJob's Jobs sit in the middle column under it; a Job of its own stays a workload", () => {
  const g = buildResourceGraph([
    obj('Pod', 'nightly-2-x', { controller: 'Job-nightly-2' }),
    obj('Job', 'nightly-2', { controller: 'CronJob-nightly' }),
    obj('Job', 'nightly-1', { controller: 'CronJob-nightly' }),
    obj('Pod', 'nightly-1-x', { controller: 'Job-nightly-1' }),
    obj('CronJob', 'nightly'),
    obj('Job', 'migrate'),
    obj('Pod', 'migrate-x', { controller: 'Job-migrate' }),
    obj('Deployment', 'web'),
    obj('ReplicaSet', 'web-1', { controller: 'Deployment-web', desired: 1 }),
    // Owned by a CronJob that is not on the map (not listed, or gone): a workload of its own.
    obj('Job', 'stray', { controller: 'CronJob-gone' }),
  ]);
  assert.deepEqual(edgeList(g), [
    'migrate -owns-> migrate-x',
    'nightly -owns-> nightly-1',
    'nightly -owns-> nightly-2',
    'nightly-1 -owns-> nightly-1-x',
    'nightly-2 -owns-> nightly-2-x',
    'web -owns-> web-1',
  ]);
  assert.deepEqual(names(g).slice(0, 3), [
    ['web', 'nightly', 'migrate', 'stray'],
    ['web-1', 'nightly-1', 'nightly-2'],
    ['migrate-x', 'nightly-1-x', 'nightly-2-x'],
  ]);
  assert.equal(mapColumnTitle(1, g.columns[1]), 'ReplicaSets · Jobs');
  assert.equal(mapColumnTitle(1, g.columns[1].slice(1)), 'Jobs');
  assert.equal(mapColumnTitle(0, g.columns[0]), 'Workloads');
});

void test('Service selectors match pod labels in the same namespace only; routes point at Services', () => {
  const g = buildResourceGraph([
    obj('Pod', 'a', { labels: { app: 'web', tier: 'front' } }),
    obj('Pod', 'b', { labels: { app: 'api' } }),
    obj('Pod', 'other-ns', { namespace: 'x', labels: { app: 'web' } }),
    obj('Service', 'web', { selector: { app: 'web' } }),
    obj('Service', 'both-labels', { selector: { app: 'web', tier: 'back' } }),
    obj('Ingress', 'front', { backends: ['shop/web', 'shop/missing'] }),
    obj('HTTPRoute', 'api', { backends: ['shop/web', 'shop/web'] }),
  ]);
  assert.deepEqual(edgeList(g), ['api -routes-> web', 'front -routes-> web', 'web -selects-> a']);
  // The Service beside the pod it selects; the one selecting nothing last.
  assert.deepEqual(
    g.columns[3].map((n) => n.name),
    ['web', 'both-labels'],
  );
});

void test('a Service with no selector (or an empty one) selects nothing', () => {
  const g = buildResourceGraph([
    obj('Pod', 'a', { labels: { app: 'web' } }),
    obj('Service', 'external'),
    obj('Service', 'empty', { selector: {} }),
  ]);
  assert.deepEqual(g.edges, []);
  assert.equal(g.columns[3].length, 2);
});

void test('orphans stay on the map unlinked; owners off the map are ignored; old empty ReplicaSets are left out', () => {
  const g = buildResourceGraph([
    obj('Pod', 'bare'),
    obj('Pod', 'mirror', { controller: 'node-uid' }),
    obj('ReplicaSet', 'lonely', { desired: 1 }),
    obj('Deployment', 'web'),
    obj('ReplicaSet', 'web-old', { controller: 'Deployment-web', desired: 0 }),
    obj('ReplicaSet', 'web-new', { controller: 'Deployment-web', desired: 1 }),
    obj('Pod', 'web-new-x', { controller: 'ReplicaSet-web-new' }),
    obj('Pod', 'z-owned-by-lonely', { controller: 'ReplicaSet-lonely' }),
  ]);
  assert.deepEqual(names(g), [['web'], ['web-new', 'lonely'], ['web-new-x', 'z-owned-by-lonely', 'bare', 'mirror'], [], []]);
  assert.deepEqual(edgeList(g), ['lonely -owns-> z-owned-by-lonely', 'web -owns-> web-new', 'web-new -owns-> web-new-x']);
  assert.equal(g.byId.has('ReplicaSet-web-old'), false);
});

void test('rows become map objects: status lines and tones from the Table columns, selectors and backends from the object', () => {
  const cols = (...n: string[]): TableColumnDefinition[] =>
    n.map((name) => ({ name, type: 'string', format: name === 'Name' ? 'name' : '' }));
  const row = (c: TableColumnDefinition[], cells: unknown[], object: Record<string, unknown> = {}) =>
    toRow({ cells, object: { metadata: { name: String(cells[0]), namespace: 'shop', uid: `u-${String(cells[0])}` }, ...object } }, c, true);
  const pod = mapObjectFromRow(
    'Pod',
    row(cols('Name', 'Ready', 'Status'), ['p', '0/1', 'CrashLoopBackOff']),
    cols('Name', 'Ready', 'Status'),
  );
  assert.deepEqual([pod.status, pod.tone, pod.id], ['CrashLoopBackOff · 0/1 ready', 'bad', 'u-p']);
  const rsCols = cols('Name', 'Desired', 'Current', 'Ready');
  const rs = mapObjectFromRow('ReplicaSet', row(rsCols, ['r', 2, 2, 1]), rsCols);
  assert.deepEqual([rs.status, rs.tone, rs.desired], ['1/2 ready', 'warn', 2]);
  const cjCols = cols('Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule');
  const cj = mapObjectFromRow('CronJob', row(cjCols, ['c', '*/5 * * * *', '<none>', false, 1, '2m']), cjCols);
  assert.deepEqual([cj.status, cj.tone], ['*/5 * * * * · 1 active', 'ok']);
  const paused = mapObjectFromRow('CronJob', row(cjCols, ['c', '0 3 * * *', '<none>', true, 0, '<none>']), cjCols);
  assert.deepEqual([paused.status, paused.tone], ['0 3 * * * · suspended', 'warn']);
  const jobCols = cols('Name', 'Status', 'Completions', 'Duration');
  const job = mapObjectFromRow('Job', row(jobCols, ['j', 'Complete', '1/1', '5s']), jobCols);
  assert.deepEqual([job.status, job.tone], ['Complete · 1/1', 'ok']);
  const dep = mapObjectFromRow('Deployment', row(cols('Name', 'Ready'), ['d', '2/2']), cols('Name', 'Ready'));
  assert.deepEqual([dep.status, dep.tone], ['2/2 ready', 'ok']);
  const svc = mapObjectFromRow(
    'Service',
    row(cols('Name', 'Type'), ['s', 'ClusterIP'], { spec: { selector: { app: 'web' } } }),
    cols('Name', 'Type'),
  );
  assert.deepEqual([svc.status, svc.selector], ['ClusterIP', { app: 'web' }]);
  const ing = mapObjectFromRow(
    'Ingress',
    row(cols('Name'), ['i'], {
      spec: { defaultBackend: { service: { name: 'a' } }, rules: [{ http: { paths: [{ backend: { service: { name: 'b' } } }] } }] },
    }),
    cols('Name'),
  );
  assert.deepEqual(ing.backends, ['shop/a', 'shop/b']);
  const route = mapObjectFromRow(
    'HTTPRoute',
    row(cols('Name'), ['h'], {
      spec: { rules: [{ backendRefs: [{ name: 's' }, { name: 't', namespace: 'x' }, { kind: 'Other', name: 'o' }] }] },
    }),
    cols('Name'),
  );
  assert.deepEqual(route.backends, ['shop/s', 'x/t']);
  const owned = toRow(
    {
      cells: ['p'],
      object: {
        metadata: {
          name: 'p',
          uid: 'u',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'not' },
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'rs', controller: true },
          ],
        },
      },
    },
    cols('Name'),
  );
  assert.equal(mapObjectFromRow('Pod', owned, cols('Name')).controller, 'rs');
});
