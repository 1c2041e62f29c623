// The scheduler through real kubectl on a cluster with 3 simulated nodes (4 cpu each):
// spreading, FailedScheduling for a pod too big for any node, cordon, and preemption.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { eventually as poll } from '../../engine/apiserver/testing/test-cluster';

const eventually = async <T>(check: () => Promise<T | false | undefined | null | ''>, what: string, ms = 20_000) =>
  (await poll(check, what, ms)) as T;

const podYaml = (name: string, o: { cpu?: string; priorityClass?: string; labels?: string } = {}) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${o.labels ?? ''}}
spec:
  ${o.priorityClass ? `priorityClassName: ${o.priorityClass}` : ''}
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: nginx:1.27
    ${o.cpu ? `resources: {requests: {cpu: "${o.cpu}"}}` : ''}
`;

describe('scheduler (kubectl, 3 simulated nodes)', () => {
  let sim: SimCluster;
  /** name → node of the pods matching a selector. */
  const placement = async (selector: string) => {
    const out = await sim.ok([
      'get',
      'pods',
      '-l',
      selector,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{"\\n"}{end}',
    ]);
    return new Map(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ') as [string, string]),
    );
  };

  before(async () => {
    sim = await startSimCluster({ nodes: 3, name: 'sched' });
    await eventually(async () => (await sim.kubectl(['get', 'nodes'])).stdout.match(/\bReady\b/g)?.length === 3, '3 Ready nodes');
  });
  after(async () => {
    await sim?.stop();
  });

  test('a deployment of 6 is spread over the 3 nodes', async () => {
    await sim.ok(['create', 'deployment', 'web', '--image=x', '--replicas=6']);
    const placed = await eventually(async () => {
      const m = await placement('app=web');
      return m.size === 6 && [...m.values()].every(Boolean) && m;
    }, '6 pods placed');
    const perNode = new Map<string, number>();
    for (const n of placed.values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    assert.equal(perNode.size, 3);
    assert.deepEqual([...perNode.values()], [2, 2, 2]);
    const describe = await sim.ok(['describe', 'pod', [...placed.keys()][0]]);
    assert.match(describe, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/web-\S+ to sched-node-\d/);
    await sim.ok(['delete', 'deployment', 'web']);
  });

  test('a pod asking for more cpu than any node has stays Pending with FailedScheduling', async () => {
    await sim.ok(['apply', '-f', '-'], podYaml('huge', { cpu: '64' }));
    const msg =
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const describe = await eventually(async () => {
      const d = await sim.ok(['describe', 'pod', 'huge']);
      return d.includes('FailedScheduling') && d;
    }, 'FailedScheduling event');
    assert.match(describe, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\. preemption:/);
    assert.match(await sim.ok(['get', 'pod', 'huge']), /huge\s+0\/1\s+Pending/);
    assert.equal(await sim.ok(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}']), msg);
    await sim.ok(['delete', 'pod', 'huge', '--wait=false']);
  });

  test('a cordoned node gets no new pods; uncordon makes it eligible again', async () => {
    await sim.ok(['cordon', 'sched-node-1']);
    try {
      for (let i = 0; i < 4; i++) await sim.ok(['apply', '-f', '-'], podYaml(`c${i}`, { labels: 'group: cordon' }));
      const placed = await eventually(async () => {
        const m = await placement('group=cordon');
        return m.size === 4 && [...m.values()].every(Boolean) && m;
      }, 'cordon pods placed');
      assert.ok(![...placed.values()].includes('sched-node-1'), `placed: ${[...placed.values()]}`);
    } finally {
      await sim.ok(['uncordon', 'sched-node-1']);
      await sim.ok(['delete', 'pods', '-l', 'group=cordon', '--wait=false']);
    }
  });

  test('a high-priority pod preempts a lower-priority one', async () => {
    await sim.ok(['apply', '-f', '-'], 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\n');
    // Each node has 4 cpu: three 3-cpu low-priority pods fill them.
    for (let i = 0; i < 3; i++) await sim.ok(['apply', '-f', '-'], podYaml(`low${i}`, { cpu: '3', labels: 'group: low' }));
    await eventually(async () => {
      const m = await placement('group=low');
      return m.size === 3 && [...m.values()].every(Boolean);
    }, 'low pods placed');
    await sim.ok(['apply', '-f', '-'], podYaml('vip', { cpu: '2', priorityClass: 'high' }));
    const node = await eventually(
      async () => (await sim.ok(['get', 'pod', 'vip', '-o', 'jsonpath={.spec.nodeName}'])).trim(),
      'vip bound',
      30_000,
    );
    assert.match(node, /^sched-node-\d$/);
    const low = await placement('group=low');
    assert.equal(low.size, 2, 'one low-priority pod was preempted');
    assert.ok(![...low.values()].includes(node));
    assert.equal(await sim.ok(['get', 'pod', 'vip', '-o', 'jsonpath={.spec.priority}']), '1000');
  });
});
