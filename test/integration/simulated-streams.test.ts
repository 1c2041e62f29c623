// Pods on simulated nodes run no processes: logs are empty and exec explains why it cannot work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from './sim-cluster';

let c: SimCluster;
before(async () => {
  c = await startSimCluster({ nodes: 1, name: 'simstreams' });
});
after(async () => {
  await c?.stop();
});

test('logs are empty and exec names the simulated node', async () => {
  await c.ok(['run', 'p', '--image=example/app:1']);
  const start = Date.now();
  while (!/Running/.test(await c.ok(['get', 'pod', 'p']))) {
    if (Date.now() - start > 10_000) throw new Error('pod p never ran');
    await new Promise((r) => setTimeout(r, 100));
  }
  const logs = await c.kubectl(['logs', 'p']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, '');
  const exec = await c.kubectl(['exec', 'p', '--', 'true']);
  assert.notEqual(exec.code, 0);
  assert.match(exec.stderr, /"simstreams-node-1" is a simulated node and its containers run no processes/);
});
