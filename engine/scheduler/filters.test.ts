import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeCache, makePodInfo, type NodeCache } from './node-cache';
import { buildPodContext } from './pod-context';
import { interPodAffinity, nodeAffinity, nodePorts, nodeUnschedulable, resourcesFit, runFilters, taintToleration } from './filters';
import { makeNode, makePod } from './testing/fixtures';
import { podRequests } from './resources';
import type { KubeObject } from '../kinds/types';

function setup(nodes: KubeObject[], bound: KubeObject[] = []): NodeCache {
  const cache = createNodeCache();
  for (const n of nodes) cache.setNode(n);
  for (const p of bound) cache.addPod(makePodInfo(p, p.spec.nodeName, p.spec.priority ?? 0));
  return cache;
}
const ctxOf = (cache: NodeCache, pod: KubeObject) => buildPodContext(pod, pod.spec.priority ?? 0, { cache });

test('podRequests sums containers, takes the init-container max, adds overhead', () => {
  const pod = makePod('p', { cpu: '250m', memory: '1Gi' });
  pod.spec.containers.push({ name: 'd', image: 'x', resources: { requests: { cpu: '250m' } } });
  pod.spec.initContainers = [{ name: 'i', image: 'x', resources: { requests: { cpu: '2', memory: '100Mi' } } }];
  pod.spec.overhead = { cpu: '100m' };
  const r = podRequests(pod);
  assert.equal(r.cpu, 2100);
  assert.equal(r.memory, 2 ** 30);
});

test('resourcesFit reports every insufficient resource and too many pods', () => {
  const cache = setup([makeNode('n1', { cpu: '1', memory: '1Gi', pods: 1 })], [makePod('a', { cpu: '500m', node: 'n1' })]);
  const n = cache.get('n1')!;
  assert.equal(resourcesFit(ctxOf(cache, makePod('small', { cpu: '100m' })), n)?.reasons.join(), 'Too many pods');
  const big = resourcesFit(ctxOf(cache, makePod('big', { cpu: '600m', memory: '2Gi' })), n);
  assert.deepEqual(big?.reasons, ['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
  assert.equal(big?.unresolvable, false);
  const roomy = setup([makeNode('n2', { cpu: '1' })]);
  assert.equal(resourcesFit(ctxOf(roomy, makePod('ok', { cpu: '1' })), roomy.get('n2')!), undefined);
});

test('nodeUnschedulable skips cordoned nodes unless the pod tolerates it', () => {
  const cache = setup([makeNode('n1', { unschedulable: true })]);
  const n = cache.get('n1')!;
  assert.equal(nodeUnschedulable(ctxOf(cache, makePod('p')), n)?.reasons[0], 'node(s) were unschedulable');
  const tolerant = makePod('t', {
    spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] },
  });
  assert.equal(nodeUnschedulable(ctxOf(cache, tolerant), n), undefined);
});

test('taintToleration: NoSchedule/NoExecute need a toleration; not-ready nodes count as tainted', () => {
  const taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  const cache = setup([
    makeNode('cp', { taints: [taint] }),
    makeNode('soft', { taints: [{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }] }),
    makeNode('down', { ready: false }),
  ]);
  const plain = ctxOf(cache, makePod('p'));
  assert.equal(
    taintToleration(plain, cache.get('cp')!)?.reasons[0],
    'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
  );
  assert.equal(taintToleration(plain, cache.get('soft')!), undefined);
  assert.equal(taintToleration(plain, cache.get('down')!)?.reasons[0], 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }');
  const tol = ctxOf(cache, makePod('t', { spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } }));
  assert.equal(taintToleration(tol, cache.get('cp')!), undefined);
  const wrongValue = ctxOf(
    cache,
    makePod('w', {
      spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: 'v', effect: 'NoSchedule' }] },
    }),
  );
  assert.ok(taintToleration(wrongValue, cache.get('cp')!));
});

test('nodeAffinity: nodeSelector and required terms (ORed terms, ANDed expressions)', () => {
  const cache = setup([
    makeNode('a', { labels: { disk: 'ssd', zone: 'z1', gen: '5' } }),
    makeNode('b', { labels: { disk: 'hdd', zone: 'z2' } }),
  ]);
  const sel = ctxOf(cache, makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }));
  assert.equal(nodeAffinity(sel, cache.get('a')!), undefined);
  assert.equal(nodeAffinity(sel, cache.get('b')!)?.reasons[0], "node(s) didn't match Pod's node affinity/selector");
  const aff = ctxOf(
    cache,
    makePod('q', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'gen', operator: 'Gt', values: ['4'] },
                    { key: 'zone', operator: 'In', values: ['z1'] },
                  ],
                },
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] },
              ],
            },
          },
        },
      },
    }),
  );
  assert.equal(nodeAffinity(aff, cache.get('a')!), undefined);
  assert.equal(nodeAffinity(aff, cache.get('b')!), undefined);
  const none = ctxOf(
    cache,
    makePod('r', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }],
            },
          },
        },
      },
    }),
  );
  assert.ok(nodeAffinity(none, cache.get('a')!));
});

test('nodePorts: same hostPort conflicts, wildcard IP conflicts with specific IPs', () => {
  const withPort = (name: string, port: number, ip?: string, node?: string) => {
    const p = makePod(name, { node });
    p.spec.containers[0].ports = [{ containerPort: 80, hostPort: port, ...(ip ? { hostIP: ip } : {}) }];
    return p;
  };
  const cache = setup([makeNode('n1')], [withPort('a', 8080, '10.0.0.1', 'n1')]);
  const n = cache.get('n1')!;
  assert.equal(nodePorts(ctxOf(cache, withPort('b', 8080)), n)?.reasons[0], "node(s) didn't have free ports for the requested pod ports");
  assert.ok(nodePorts(ctxOf(cache, withPort('c', 8080, '10.0.0.1')), n));
  assert.equal(nodePorts(ctxOf(cache, withPort('d', 8080, '10.0.0.2')), n), undefined);
  assert.equal(nodePorts(ctxOf(cache, withPort('e', 9090)), n), undefined);
});

test("interPodAffinity: required anti-affinity, affinity, and existing pods' anti-affinity", () => {
  const anti = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    },
  };
  const cache = setup(
    [makeNode('n1', { labels: { zone: 'a' } }), makeNode('n2', { labels: { zone: 'a' } }), makeNode('n3', { labels: { zone: 'b' } })],
    [makePod('w1', { labels: { app: 'web' }, node: 'n1', spec: { affinity: anti } }), makePod('db', { labels: { app: 'db' }, node: 'n3' })],
  );
  const web = ctxOf(cache, makePod('w2', { labels: { app: 'web' }, spec: { affinity: anti } }));
  assert.equal(interPodAffinity(web, cache.get('n1')!)?.reasons[0], "node(s) didn't satisfy existing pods anti-affinity rules");
  assert.equal(interPodAffinity(web, cache.get('n2')!), undefined);
  // A pod without terms is still kept away by w1's anti-affinity when it matches.
  const other = ctxOf(cache, makePod('w3', { labels: { app: 'web' } }));
  assert.ok(interPodAffinity(other, cache.get('n1')!));
  const ownAnti = ctxOf(
    cache,
    makePod('x', {
      labels: { app: 'x' },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }],
          },
        },
      },
    }),
  );
  assert.equal(interPodAffinity(ownAnti, cache.get('n3')!)?.reasons[0], "node(s) didn't match pod anti-affinity rules");
  assert.equal(interPodAffinity(ownAnti, cache.get('n1')!), undefined);
  const near = ctxOf(
    cache,
    makePod('y', {
      spec: {
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }],
          },
        },
      },
    }),
  );
  assert.equal(interPodAffinity(near, cache.get('n3')!), undefined);
  assert.equal(interPodAffinity(near, cache.get('n1')!)?.reasons[0], "node(s) didn't match pod affinity rules");
  // The first pod of a group that selects itself may go anywhere.
  const first = ctxOf(
    cache,
    makePod('z', {
      labels: { app: 'cache' },
      spec: {
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }],
          },
        },
      },
    }),
  );
  assert.equal(interPodAffinity(first, cache.get('n1')!), undefined);
});

test('runFilters stops at the first failing plugin, in kube-scheduler order', () => {
  const cache = setup([makeNode('n1', { cpu: '1', unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] })]);
  const r = runFilters(ctxOf(cache, makePod('p', { cpu: '2' })), cache.get('n1')!);
  assert.deepEqual(r?.reasons, ['node(s) were unschedulable']);
});

test('podTopologySpread: DoNotSchedule keeps the skew within maxSkew across zones', async () => {
  const { podTopologySpread } = await import('./filters');
  const cache = setup(
    [
      makeNode('a1', { labels: { zone: 'a' } }),
      makeNode('a2', { labels: { zone: 'a' } }),
      makeNode('b1', { labels: { zone: 'b' } }),
      makeNode('nozone'),
    ],
    [
      makePod('w1', { labels: { app: 'w' }, node: 'a1' }),
      makePod('w2', { labels: { app: 'w' }, node: 'a2' }),
      makePod('w3', { labels: { app: 'w' }, node: 'b1' }),
    ],
  );
  const pod = makePod('w4', {
    labels: { app: 'w' },
    spec: {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'w' } } },
      ],
    },
  });
  const ctx = ctxOf(cache, pod);
  assert.equal(podTopologySpread(ctx, cache.get('a1')!)?.reasons[0], "node(s) didn't match pod topology spread constraints");
  assert.equal(podTopologySpread(ctx, cache.get('b1')!), undefined);
  assert.equal(podTopologySpread(ctx, cache.get('nozone')!)?.unresolvable, true);
});

test('podTopologySpread: nodeTaintsPolicy Honor leaves out domains of nodes whose taints the pod does not tolerate', async () => {
  const { podTopologySpread } = await import('./filters');
  // B is partitioned: tainted unreachable, its pods evicted; A already runs 2.
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  const cache = setup(
    [makeNode('a'), makeNode('b', { taints: [unreachable] })],
    [makePod('w1', { labels: { app: 'w' }, node: 'a' }), makePod('w2', { labels: { app: 'w' }, node: 'a' })],
  );
  const spreadPod = (policy?: string, tolerations?: object[]) =>
    makePod('w3', {
      labels: { app: 'w' },
      spec: {
        ...(tolerations ? { tolerations } : {}),
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'w' } },
            ...(policy ? { nodeTaintsPolicy: policy } : {}),
          },
        ],
      },
    });
  // Ignore (the default): b's empty domain counts, so a third pod on a is a skew of 3.
  assert.ok(podTopologySpread(ctxOf(cache, spreadPod()), cache.get('a')!));
  assert.ok(podTopologySpread(ctxOf(cache, spreadPod('Ignore')), cache.get('a')!));
  // Honor: b's domain is left out, a is the only one, the pod fits there.
  assert.equal(podTopologySpread(ctxOf(cache, spreadPod('Honor')), cache.get('a')!), undefined);
  // Honor, but the pod tolerates b's taint: b counts again.
  assert.ok(podTopologySpread(ctxOf(cache, spreadPod('Honor', [{ key: unreachable.key, operator: 'Exists' }])), cache.get('a')!));
});
