// Acceptance: Deployments with real kubectl against a cluster of 3 simulated nodes — create,
// rolling update within maxUnavailable, rollout status/history/undo/pause/resume/restart,
// scale, get all, and cascading delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { R } from '../../engine/client/types';
import type { KubeObject } from '../../engine/kinds/types';
import { waitFor as sharedWaitFor } from '../wait-for';

let c: SimCluster;
before(async () => {
  c = await startSimCluster({ nodes: 3 });
});
after(async () => {
  await c?.stop();
});

const until = <T>(check: () => Promise<T | false | undefined | ''>, what: string, timeoutMs = 30_000) =>
  sharedWaitFor(what, check, timeoutMs, 100);

const isReady = (p: KubeObject) => (p.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True');
const livePods = async (app: string) =>
  (await c.client.list(R.pods, 'default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const allPods = async (app: string) => (await c.client.list(R.pods, 'default', { labelSelector: `app=${app}` })).items;
const running = async (app: string, n: number) => {
  const pods = await allPods(app);
  const ok = pods.length === n && pods.every((p) => p.status?.phase === 'Running' && isReady(p) && !p.metadata.deletionTimestamp);
  return ok ? pods : undefined;
};

test('deployment: create, rolling update, status, history, undo', async (t) => {
  await c.ok(['create', 'deployment', 'web', '--image=web:1', '--replicas=6']);
  const pods = await until(() => running('web', 6), '6 running pods');
  const nodes = new Set(pods.map((p) => p.spec.nodeName));
  assert.equal(nodes.size, 3, `spread over 3 nodes: ${[...nodes].join(',')}`);
  await c.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);

  // Sample the pods while the rollout runs: maxUnavailable 25% of 6 rounds down to 1.
  let sampling = true;
  let minReady = Infinity;
  let maxTotal = 0;
  const sampler = (async () => {
    while (sampling) {
      const live = await livePods('web');
      minReady = Math.min(minReady, live.filter(isReady).length);
      maxTotal = Math.max(maxTotal, live.length);
      await new Promise((r) => setTimeout(r, 30));
    }
  })();
  await c.ok(['set', 'image', 'deployment/web', 'web=web:2']);
  const status = await c.ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
  sampling = false;
  await sampler;
  assert.match(status, /successfully rolled out/);
  t.diagnostic(`during the rollout: min ready ${minReady}, max pods ${maxTotal}`);
  assert.ok(minReady >= 5, `ready pods never below replicas - maxUnavailable (min seen ${minReady})`);
  assert.ok(maxTotal <= 8, `pods never above replicas + maxSurge (max seen ${maxTotal})`);
  const updated = await until(() => running('web', 6), '6 running updated pods');
  assert.ok(updated.every((p) => p.spec.containers[0].image === 'web:2'));

  const history = await c.ok(['rollout', 'history', 'deployment/web']);
  assert.match(history, /REVISION\s+CHANGE-CAUSE/);
  assert.match(history, /^1\s+<none>/m);
  assert.match(history, /^2\s+<none>/m);

  // Undo is client-side (it patches the template from the ReplicaSet): try the oldest kubectl.
  const undo = await c.kubectl(['rollout', 'undo', 'deployment/web'], { version: '1.27' });
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(undo.stdout, /deployment.apps\/web rolled back/);
  const status2 = await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], { version: '1.33', timeoutMs: 100_000 });
  assert.equal(status2.code, 0, status2.stderr);
  const back = await until(() => running('web', 6), 'rolled-back pods');
  assert.ok(back.every((p) => p.spec.containers[0].image === 'web:1'));
  const image = await c.ok(['get', 'deployment/web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  assert.equal(image, 'web:1');
  const history2 = await c.ok(['rollout', 'history', 'deployment/web']);
  assert.match(history2, /^2\s+/m);
  assert.match(history2, /^3\s+/m);
  assert.doesNotMatch(history2, /^1\s+/m, 'revision 1 became revision 3');
  const old = await c.kubectl(['rollout', 'history', 'deployment/web', '--revision=3'], { version: '1.33' });
  assert.equal(old.code, 0, old.stderr);
  assert.match(old.stdout, /Image:\s+web:1/);
});

test('deployment: scale up and down, get all', async () => {
  await c.ok(['scale', 'deployment/web', '--replicas=8']);
  await until(() => running('web', 8), '8 running pods');
  await c.ok(['scale', 'deployment/web', '--replicas=2']);
  await until(() => running('web', 2), '2 running pods', 60_000);
  await c.ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);

  await c.ok(['expose', 'deployment/web', '--port=80']);
  const all = await c.ok(['get', 'all']);
  assert.match(all, /^deployment\.apps\/web\s+2\/2\s+2\s+2\s/m);
  assert.match(all, /^replicaset\.apps\/web-[a-z0-9]+\s+2\s+2\s+2\s/m);
  assert.match(all, /^pod\/web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running/m);
  assert.match(all, /^service\/web\s+ClusterIP/m);
});

test('deployment: pause, resume and restart', async () => {
  await c.ok(['rollout', 'pause', 'deployment/web']);
  await c.ok(['set', 'image', 'deployment/web', 'web=web:3']);
  await new Promise((r) => setTimeout(r, 500));
  const rsNames = () => c.ok(['get', 'rs', '-l', 'app=web', '-o', 'name']);
  const before = (await rsNames()).trim().split('\n').length;
  assert.equal(before, 2, 'no new ReplicaSet while paused');
  const undoPaused = await c.kubectl(['rollout', 'undo', 'deployment/web']);
  assert.notEqual(undoPaused.code, 0, 'kubectl refuses to undo a paused deployment');
  await c.ok(['rollout', 'resume', 'deployment/web']);
  await c.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal((await rsNames()).trim().split('\n').length, 3);

  await c.ok(['rollout', 'restart', 'deployment/web']);
  await c.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  const history = await c.ok(['rollout', 'history', 'deployment/web']);
  assert.match(history, /^5\s+/m, 'restart is a new revision');
});

test('deployment: delete cascades to ReplicaSets and pods', async () => {
  await c.ok(['delete', 'deployment', 'web']);
  await until(
    async () => {
      const rs = await c.ok(['get', 'rs', '-l', 'app=web', '-o', 'name']);
      return rs.trim() === '' && (await allPods('web')).length === 0;
    },
    'ReplicaSets and pods gone',
    60_000,
  );
});
