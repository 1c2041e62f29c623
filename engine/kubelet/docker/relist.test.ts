import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { createRelist } from './relist';

const c = (id: string, pod: string, state: string) => ({ Id: id, State: state, Labels: { pod } }) as unknown as Docker.ContainerInfo;

void test('a relist resyncs the pods whose containers changed state, appeared or vanished', async () => {
  let list: Docker.ContainerInfo[] = [c('a', 'p1', 'running'), c('b', 'p2', 'running'), c('x', 'p4', 'running')];
  let fail = false;
  const changed: string[] = [];
  const vanished: string[] = [];
  const failures: string[] = [];
  const r = createRelist({
    list: () => (fail ? Promise.reject(new Error('connect ENOENT')) : Promise.resolve(list)),
    podUidOf: (x) => x.Labels.pod,
    changed: (p) => changed.push(p),
    vanished: (v) => vanished.push(`${v.id}:${v.podUid}`),
    failed: (e) => failures.push(e.message),
    intervalMs: 60_000,
  });
  await r.relist(); // the first list only remembers
  assert.deepEqual(changed, []);
  list = [c('a', 'p1', 'exited'), c('b', 'p2', 'running'), c('d', 'p3', 'running')];
  await r.relist();
  assert.deepEqual(changed.sort(), ['p1', 'p3', 'p4']);
  assert.deepEqual(vanished, ['x:p4'], 'only the container that is gone is reported as vanished');
  fail = true;
  await r.relist();
  assert.deepEqual(failures, ['connect ENOENT']);
  r.stop();
});
