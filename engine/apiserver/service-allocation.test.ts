import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite-store';
import { createApiCore } from './api-core';
import { bootstrapCluster } from './bootstrap';
import { migrateServiceIPs } from './service-allocation';
import { wellKnownServiceIP } from '../apimachinery/ip-cidr';
import { objectKey } from './storage-keys';
import type { KubeObject } from '../kinds/types';

const svc = (name: string, spec: Record<string, any>, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { ports: [{ port: 80 }], ...spec },
});

test('well-known IPs, and dynamic allocation starts above the static band', async () => {
  assert.equal(wellKnownServiceIP('10.9.128.0/17', 'kubernetes'), '10.9.128.1');
  assert.equal(wellKnownServiceIP('10.9.128.0/17', 'dns'), '10.9.128.10');
  const dir = mkdtempSync(join(tmpdir(), 'skiff-alloc-'));
  const store = openSqliteStore({ path: join(dir, 'db') });
  const core = createApiCore({ store, serviceCIDR: '10.9.128.0/17' });
  try {
    await bootstrapCluster(core, { apiServerPort: 6443 });
    const k = await core.resources.get(core.serviceDef, 'default', 'kubernetes');
    assert.equal(k.spec.clusterIP, '10.9.128.1');
    const a = await core.resources.create(core.serviceDef, 'default', svc('a', {}));
    assert.equal(a.spec.clusterIP, '10.9.128.16', 'the first 16 addresses are kept for requests (kube-dns takes .10)');
    const dns = await core.resources.create(core.serviceDef, 'kube-system', svc('kube-dns', { clusterIP: '10.9.128.10' }, 'kube-system'));
    assert.equal(dns.spec.clusterIP, '10.9.128.10');
  } finally {
    core.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Services outside a new Service CIDR move into it; kubernetes and kube-dns to their well-known IPs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-alloc-'));
  const path = join(dir, 'db');
  let store = openSqliteStore({ path });
  let core = createApiCore({ store, serviceCIDR: '10.96.0.0/12' });
  await bootstrapCluster(core, { apiServerPort: 6443 });
  const old = await core.resources.create(core.serviceDef, 'default', svc('web', {}));
  await core.resources.create(core.serviceDef, 'kube-system', svc('kube-dns', { clusterIP: '10.96.0.10' }, 'kube-system'));
  await core.resources.create(core.serviceDef, 'default', svc('headless', { clusterIP: 'None' }));
  core.stop();
  await store.close();

  store = openSqliteStore({ path });
  core = createApiCore({ store, serviceCIDR: '10.9.128.0/17' });
  try {
    await bootstrapCluster(core, { apiServerPort: 6443 });
    const moved = await migrateServiceIPs({
      store,
      allocation: core.services,
      services: (await core.resources.list(core.serviceDef, undefined)).items,
      keyOf: (s) => objectKey(core.serviceDef, s.metadata.namespace, s.metadata.name!),
      preferred: { 'default/kubernetes': '10.9.128.1', 'kube-system/kube-dns': '10.9.128.10' },
    });
    assert.deepEqual(moved.map((m) => `${m.service} ${m.from} ${m.to}`).sort(), [
      'default/kubernetes 10.96.0.1 10.9.128.1',
      `default/web ${old.spec.clusterIP} 10.9.128.16`,
      'kube-system/kube-dns 10.96.0.10 10.9.128.10',
    ]);
    const web = await core.resources.get(core.serviceDef, 'default', 'web');
    assert.deepEqual([web.spec.clusterIP, web.spec.clusterIPs], ['10.9.128.16', ['10.9.128.16']]);
    assert.equal(web.metadata.uid, old.metadata.uid, 'the same object, not a re-created one');
    assert.equal((await core.resources.get(core.serviceDef, 'default', 'headless')).spec.clusterIP, 'None');
    const next = await core.resources.create(core.serviceDef, 'default', svc('next', {}));
    assert.equal(next.spec.clusterIP, '10.9.128.17', 'moved IPs count as taken');
    const again = await migrateServiceIPs({
      store,
      allocation: core.services,
      services: (await core.resources.list(core.serviceDef, undefined)).items,
      keyOf: (s) => objectKey(core.serviceDef, s.metadata.namespace, s.metadata.name!),
    });
    assert.deepEqual(again, [], 'nothing moves twice');
  } finally {
    core.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
