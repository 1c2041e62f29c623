import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../testing/test-cluster';
import { createInProcessClient } from '../in-process-client';
import { R, isStatus, type KubeClient } from '../../client/types';
import { CONTROLLER_MANAGER, SCHEDULER, nodeUser } from './users';
import { podReferences } from './node-graph';

const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' };

async function refused(p: Promise<unknown>, text: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStatus(e, 403), `want 403, got ${String((e as Error).message)}`);
    assert.match((e as Error).message, new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return true;
  });
}

function pod(name: string, node: string, secret: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name, namespace: 'app' },
    spec: {
      nodeName: node,
      containers: [{ name: 'c', image: 'busybox', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: secret, key: 'k' } } }] }],
      ...extra,
    },
  };
}

void test('podReferences lists what a pod uses: env, envFrom, volumes, projected sources, pull secrets, claims', () => {
  const refs = podReferences({
    metadata: { name: 'p', namespace: 'n' },
    spec: {
      serviceAccountName: 'sa',
      imagePullSecrets: [{ name: 'pull' }],
      initContainers: [{ name: 'i', envFrom: [{ configMapRef: { name: 'cm-init' } }] }],
      containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm-env', key: 'k' } } }] }],
      volumes: [
        { name: 's', secret: { secretName: 'vol-secret' } },
        { name: 'pr', projected: { sources: [{ secret: { name: 'proj' } }, { configMap: { name: 'proj-cm' } }] } },
        { name: 'claim', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'eph', ephemeral: { volumeClaimTemplate: {} } },
        { name: 'csi', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-secret' } } },
      ],
    },
  });
  assert.deepEqual(refs.sort(), [
    'configmaps/n/cm-env',
    'configmaps/n/cm-init',
    'configmaps/n/proj-cm',
    'persistentvolumeclaims/n/data',
    'persistentvolumeclaims/n/p-eph',
    'secrets/n/csi-secret',
    'secrets/n/proj',
    'secrets/n/pull',
    'secrets/n/vol-secret',
    'serviceaccounts/n/sa',
  ]);
});

void test('a kubelet reads only what pods bound to its node use, and writes only its Node, Lease and pods', async () => {
  const c = await startTestCore();
  try {
    const admin = c.client;
    await admin.create(R.namespaces, undefined, { metadata: { name: 'app' } });
    for (const s of ['for-a', 'for-b']) await admin.create(R.secrets, 'app', { metadata: { name: s }, stringData: { k: 'v' } });
    await admin.create(R.configmaps, 'app', { metadata: { name: 'cfg' }, data: { k: 'v' } });
    for (const n of ['a', 'b']) await admin.create(R.nodes, undefined, { metadata: { name: n } });
    await admin.create(R.pods, 'app', pod('on-a', 'a', 'for-a', { volumes: [{ name: 'v', configMap: { name: 'cfg' } }] }));
    await admin.create(R.pods, 'app', pod('on-b', 'b', 'for-b'));
    const a: KubeClient = createInProcessClient(c.core, { user: nodeUser('a') });

    // Reads through the graph.
    assert.equal((await a.get(R.secrets, 'app', 'for-a')).metadata.name, 'for-a');
    assert.equal((await a.get(R.configmaps, 'app', 'cfg')).metadata.name, 'cfg');
    await refused(
      a.get(R.secrets, 'app', 'for-b'),
      `User "system:node:a" cannot get resource "secrets" in API group "" in the namespace "app": no relationship found between node 'a' and this object`,
    );
    await refused(a.list(R.secrets, 'app'), 'cannot list resource "secrets"');
    assert.equal((await a.list(R.secrets, 'app', { fieldSelector: 'metadata.name=for-a' })).items.length, 1, 'one object by name');
    // KEP-4601 (upstream's AuthorizeNodeWithSelectors): its own pods by spec.nodeName, its own Node by name.
    await refused(
      a.list(R.pods, undefined),
      'cannot list resource "pods" in API group "" at the cluster scope: can only list/watch pods with spec.nodeName field selector',
    );
    assert.deepEqual(
      (await a.list(R.pods, undefined, { fieldSelector: 'spec.nodeName=a' })).items.map((p) => p.metadata.name),
      ['on-a'],
    );
    await refused(
      a.list(R.pods, 'app', { fieldSelector: 'spec.nodeName=b' }),
      'can only list/watch pods with spec.nodeName field selector',
    );
    await refused(a.get(R.pods, 'app', 'on-b'), "no relationship found between node 'a' and this object");
    assert.equal((await a.get(R.pods, 'app', 'on-a')).metadata.name, 'on-a');
    await refused(a.list(R.nodes, undefined), "node 'a' cannot read all nodes, only its own Node object");
    await refused(a.get(R.nodes, undefined, 'b'), "node 'a' cannot read 'b', only its own Node object");
    assert.equal((await a.get(R.nodes, undefined, 'a')).metadata.name, 'a');
    // A pod gone: its Secret is out of reach again.
    await admin.delete(R.pods, 'app', 'on-a', { gracePeriodSeconds: 0 });
    await refused(a.get(R.secrets, 'app', 'for-a'), 'no relationship found');

    // NodeRestriction: its own Node only, never its taints or restricted labels.
    await a.patch(
      R.nodes,
      undefined,
      'a',
      'merge',
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { subresource: 'status' },
    );
    await a.patch(R.nodes, undefined, 'a', 'merge', { metadata: { labels: { 'kubernetes.io/hostname': 'a', 'example.com/x': 'y' } } });
    await refused(
      a.patch(R.nodes, undefined, 'b', 'merge', { metadata: { labels: { x: 'y' } } }),
      'node "a" is not allowed to modify node "b"',
    );
    await refused(
      a.patch(R.nodes, undefined, 'a', 'merge', { metadata: { labels: { 'node-restriction.kubernetes.io/trusted': 'yes' } } }),
      'node "a" is not allowed to modify labels: node-restriction.kubernetes.io/trusted',
    );
    await refused(
      a.patch(R.nodes, undefined, 'a', 'merge', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }),
      'node "a" is not allowed to modify taints',
    );
    // Pods: status of its own only; no spec changes, no other node's pods, only mirror pods created.
    await admin.create(R.pods, 'app', pod('again-a', 'a', 'for-a'));
    await a.patch(R.pods, 'app', 'again-a', 'merge', { status: { phase: 'Running' } }, { subresource: 'status' });
    assert.equal((await a.get(R.secrets, 'app', 'for-a')).metadata.name, 'for-a', 'a status write keeps the pod in the graph');
    await refused(
      a.patch(R.pods, 'app', 'on-b', 'merge', { status: { phase: 'Failed' } }, { subresource: 'status' }),
      'node "a" can only update pod status for pods with spec.nodeName set to itself',
    );
    await refused(a.patch(R.pods, 'app', 'again-a', 'merge', { metadata: { labels: { x: 'y' } } }), 'cannot patch resource "pods"');
    await refused(a.create(R.pods, 'app', pod('mine', 'a', 'for-b')), 'node "a" can only create mirror pods');
    await refused(a.delete(R.pods, 'app', 'on-b'), 'node "a" can only delete pods with spec.nodeName set to itself');
    await a.delete(R.pods, 'app', 'again-a', { gracePeriodSeconds: 0 });
    // Its own Lease only.
    const lease = (name: string) => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name } });
    await a.create(LEASES, 'kube-node-lease', lease('a'));
    await refused(a.create(LEASES, 'kube-node-lease', lease('b')), 'can only access node lease with the same name as the requesting node');
    await admin.create(LEASES, 'kube-node-lease', lease('b'));
    await refused(a.get(LEASES, 'kube-node-lease', 'b'), 'cannot get resource "leases"');

    // The scheduler and controller manager act as themselves too.
    const scheduler = createInProcessClient(c.core, { user: SCHEDULER });
    await refused(scheduler.get(R.secrets, 'app', 'for-a'), 'User "system:kube-scheduler" cannot get resource "secrets"');
    assert.equal((await scheduler.list(R.nodes, undefined)).items.length, 2);
    const kcm = createInProcessClient(c.core, { user: CONTROLLER_MANAGER });
    await refused(kcm.create(R.nodes, undefined, { metadata: { name: 'c' } }), 'User "system:kube-controller-manager" cannot create');

    // Deleting Nodes: never another's (the attack: a node knocking others out of the cluster);
    // its own, as `skiff leave` does (a deliberate difference: upstream's system:node role grants
    // no delete on nodes, though its NodeRestriction admits this one).
    await refused(a.delete(R.nodes, undefined, 'b'), 'node "a" is not allowed to modify node "b"');
    assert.equal((await admin.get(R.nodes, undefined, 'b')).metadata.name, 'b', 'node b is still there');
    await a.delete(R.nodes, undefined, 'a');
    await assert.rejects(admin.get(R.nodes, undefined, 'a'), (e: unknown) => isStatus(e, 404));
  } finally {
    await c.close();
  }
});
