import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';

const eventuallyDefined = async <T>(check: () => T | Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> =>
  (await eventually(check, what, ms)) as NonNullable<T>;
import { R, type KubeClient } from '../client/types';
import { startControllerManager } from './manager';

async function makePod(client: KubeClient, name: string, ip: string, ready: boolean, labels = { app: 'web' }) {
  await client.create(R.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      nodeName: 'n1',
      hostname: name,
      subdomain: 'web',
      containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  });
  await setReady(client, name, ip, ready);
}

async function setReady(client: KubeClient, name: string, ip: string, ready: boolean) {
  const pod = await client.get(R.pods, 'default', name);
  pod.status = { ...pod.status, phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  await client.update(R.pods, 'default', pod, { subresource: 'status' });
}

test('endpoints and slices follow pod readiness, named ports and service deletion', async () => {
  const tc = await startTestCore();
  const cm = await startControllerManager({ client: tc.client, only: ['endpoints', 'endpointslice'] });
  try {
    const c = tc.client;
    await c.create(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await makePod(c, 'a', '10.0.0.2', true);
    await makePod(c, 'b', '10.0.0.3', false);
    await makePod(c, 'other', '10.0.0.9', true, { app: 'db' } as any);

    const ep = await eventuallyDefined(async () => {
      const e = await c.get(R.endpoints, 'default', 'web').catch(() => undefined);
      return e?.subsets?.[0]?.notReadyAddresses ? e : undefined;
    }, 'endpoints with both addresses');
    assert.equal(ep.metadata.labels?.tier, 'front');
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(
      ep.subsets[0].addresses.map((a: any) => [a.ip, a.hostname, a.nodeName, a.targetRef.name]),
      [['10.0.0.2', 'a', 'n1', 'a']],
    );
    assert.deepEqual(
      ep.subsets[0].notReadyAddresses.map((a: any) => a.ip),
      ['10.0.0.3'],
    );

    const sliceOf = async () => (await c.list(R.endpointslices, 'default', { labelSelector: 'kubernetes.io/service-name=web' })).items;
    const slices = await eventuallyDefined(async () => {
      const s = await sliceOf();
      return s.length === 1 && s[0].endpoints?.length === 2 ? s : undefined;
    }, 'slice with two endpoints');
    assert.equal(slices[0].metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slices[0].addressType, 'IPv4');
    assert.deepEqual(slices[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(
      slices[0].endpoints.map((e: any) => [e.addresses[0], e.conditions.ready]),
      [
        ['10.0.0.2', true],
        ['10.0.0.3', false],
      ],
    );

    // b becomes ready: both addresses ready.
    await setReady(c, 'b', '10.0.0.3', true);
    await eventually(
      async () => (await c.get(R.endpoints, 'default', 'web')).subsets?.[0]?.addresses?.length === 2,
      'b ready in endpoints',
    );
    await eventually(async () => (await sliceOf())[0]?.endpoints?.every((e: any) => e.conditions.ready), 'b ready in slice');

    // Nothing changed for the Service: no rewrite (resync of a matching pod leaves objects alone).
    const rvEp = (await c.get(R.endpoints, 'default', 'web')).metadata.resourceVersion;
    const rvSlice = (await sliceOf())[0].metadata.resourceVersion;
    await c.patch(R.pods, 'default', 'a', 'merge', { metadata: { annotations: { touched: 'yes' } } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await c.get(R.endpoints, 'default', 'web')).metadata.resourceVersion, rvEp);
    assert.equal((await sliceOf())[0].metadata.resourceVersion, rvSlice);

    // The kubernetes Service points at the API server.
    const k = await eventuallyDefined(() => c.get(R.endpoints, 'default', 'kubernetes').catch(() => undefined), 'kubernetes endpoints');
    assert.equal(k.subsets[0].addresses[0].ip, '127.0.0.1');

    // A Service selecting nothing: empty Endpoints and one empty slice.
    await c.create(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'empty' },
      spec: { selector: { app: 'none' }, ports: [{ port: 80 }] },
    });
    await eventually(
      async () => (await c.list(R.endpointslices, 'default', { labelSelector: 'kubernetes.io/service-name=empty' })).items.length === 1,
      'placeholder slice',
    );
    assert.deepEqual((await c.get(R.endpoints, 'default', 'empty')).subsets ?? [], []);

    // Selector-less Services are left alone.
    await c.create(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'manual' },
      spec: { ports: [{ port: 1 }] },
    });
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(c.get(R.endpoints, 'default', 'manual'), (e: any) => e.code === 404);

    await c.delete(R.services, 'default', 'web');
    await eventually(
      async () =>
        c.get(R.endpoints, 'default', 'web').then(
          () => false,
          (e) => e.code === 404,
        ),
      'endpoints removed',
    );
  } finally {
    cm.stop();
    await tc.close();
  }
});
