// Acceptance: metrics.k8s.io (`kubectl top`), the HPA scaling a Deployment with reported CPU,
// ResourceQuota and LimitRange admission — real kubectl against 3 simulated nodes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { R } from '../../engine/client/types';
import { waitFor as sharedWaitFor } from '../wait-for';

let c: SimCluster;
before(async () => {
  // Evaluate HPAs every second instead of 15 s (read when the controller starts).
  process.env.SKIFF_HPA_SYNC_SECONDS = '1';
  c = await startSimCluster({ nodes: 3 });
});
after(async () => {
  delete process.env.SKIFF_HPA_SYNC_SECONDS;
  await c?.stop();
});

const until = <T>(check: () => Promise<T | false | undefined | ''>, what: string, timeoutMs = 30_000) =>
  sharedWaitFor(what, check, timeoutMs);

const manifest = (cpu: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { skiff.dev/simulate: '{"cpu":"${cpu}","memory":"32Mi"}' }
    spec:
      containers:
      - name: web
        image: web:1
        resources: { requests: { cpu: 100m, memory: 64Mi } }
`;

const replicas = async () => (await c.client.get(R.deployments, 'default', 'web')).spec.replicas as number;

test('kubectl top nodes and pods show usage', async () => {
  await c.ok(['apply', '-f', '-'], manifest('20m'));
  const nodes = await until(async () => {
    const out = await c.ok(['top', 'nodes']);
    return /sim-node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/.test(out) ? out : undefined;
  }, 'kubectl top nodes');
  assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)/);
  const pods = await until(async () => {
    const out = await c.ok(['top', 'pods', '-l', 'app=web']);
    return /web-\S+\s+20m\s+32Mi/.test(out) ? out : undefined;
  }, 'kubectl top pods');
  assert.match(pods, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
});

// A pod the ReplicaSet is removing may vanish between kubectl's list and its patch (a 404): try again.
const annotateAll = (cpu: string) =>
  until(
    async () => (await c.kubectl(['annotate', 'pods', '-l', 'app=web', '--overwrite', `skiff.dev/simulate={"cpu":"${cpu}"}`])).code === 0,
    `pods annotated with ${cpu}`,
  );

test('HPA scales the deployment up when CPU rises and down when it drops', async () => {
  await c.ok(['autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=5']);
  // Short scale-down window so the test need not wait the default 5 minutes.
  await c.ok(['patch', 'hpa', 'web', '--type=merge', '-p', '{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":0}}}}']);
  await until(async () => /cpu: 20%\/50%/.test(await c.ok(['get', 'hpa', 'web'])), 'hpa reports 20%');
  assert.equal(await replicas(), 1);

  await annotateAll('400m');
  await until(async () => (await replicas()) >= 4, 'scale up');
  const described = await c.ok(['describe', 'hpa', 'web']);
  assert.match(described, /SuccessfulRescale\s+.*New size: [45]; reason: cpu resource utilization \(percentage of request\) above target/);

  await annotateAll('1m');
  await until(async () => (await replicas()) === 1, 'scale down to 1', 40_000);
  assert.match(await c.ok(['describe', 'hpa', 'web']), /New size: 1; reason: All metrics below target/);
});

test('a ResourceQuota blocks the pod past its limit with the upstream message', async () => {
  await c.ok(['create', 'namespace', 'quota']);
  await c.ok(['create', 'quota', 'q', '--hard=pods=1', '-n', 'quota']);
  await c.ok(['run', 'a', '--image=x', '-n', 'quota']);
  const r = await c.kubectl(['run', 'b', '--image=x', '-n', 'quota']);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /Error from server \(Forbidden\): pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1/,
  );
  await until(async () => /pods: 1\/1/.test(await c.ok(['get', 'quota', 'q', '-n', 'quota'])), 'quota status');
});

test('a LimitRange fills default requests and limits', async () => {
  await c.ok(['create', 'namespace', 'limits']);
  await c.ok(
    ['apply', '-n', 'limits', '-f', '-'],
    `
apiVersion: v1
kind: LimitRange
metadata: { name: defaults }
spec:
  limits:
  - type: Container
    default: { cpu: 500m, memory: 128Mi }
    defaultRequest: { cpu: 100m, memory: 64Mi }
`,
  );
  await c.ok(['run', 'p', '--image=x', '-n', 'limits']);
  const res = JSON.parse(await c.ok(['get', 'pod', 'p', '-n', 'limits', '-o', 'jsonpath={.spec.containers[0].resources}']));
  assert.deepEqual(res, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
});
