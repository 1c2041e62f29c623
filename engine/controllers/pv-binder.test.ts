import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';
import { R, type KubeClient } from '../client/types';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import { createPvBinderController, volumeFits } from './pv-binder';
import { createLocalPathProvisioner } from './local-path-provisioner';

const eventuallyDefined = async <T>(check: () => T | Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> =>
  (await eventually(check, what, ms)) as NonNullable<T>;

const claim = (name: string, storage: string, extra: any = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...extra },
});

const volume = (name: string, storage: string, extra: any = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, labels: { disk: name } },
  spec: {
    capacity: { storage },
    accessModes: ['ReadWriteOnce'],
    hostPath: { path: `/tmp/${name}` },
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: 'manual',
    ...extra,
  },
});

test('volumeFits checks class, modes, size and selector', () => {
  const pv: any = volume('a', '5Gi');
  assert.equal(volumeFits(pv, claim('c', '1Gi') as any, 'manual'), true);
  assert.equal(volumeFits(pv, claim('c', '10Gi') as any, 'manual'), false);
  assert.equal(volumeFits(pv, claim('c', '1Gi') as any, 'standard'), false);
  assert.equal(volumeFits(pv, claim('c', '1Gi', { accessModes: ['ReadWriteMany'] }) as any, 'manual'), false);
  assert.equal(volumeFits(pv, claim('c', '1Gi', { selector: { matchLabels: { disk: 'b' } } }) as any, 'manual'), false);
});

async function phase(c: KubeClient, res: typeof R.pods, ns: string | undefined, name: string) {
  return (await c.get(res, ns, name).catch(() => undefined))?.status?.phase;
}

test('static binding, release with Retain; dynamic local-path volumes deleted on reclaim', async () => {
  const tc = await startTestCore();
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-lp-'));
  const c = tc.client;
  const informers = createInformerFactory(c);
  const deps = {
    client: c,
    informers,
    events: createEventRecorder({ client: c, component: 't' }),
    log: () => {},
    now: () => new Date(),
    dataDir,
  };
  const ctrls = [createPvBinderController(deps), createLocalPathProvisioner(deps)];
  for (const x of ctrls) await x.start();
  await informers.start();
  try {
    const sc = await c.get(R.storageclasses, undefined, 'standard');
    assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(sc.provisioner, 'skiff.dev/local-path');

    // Static: the smaller fitting volume wins.
    await c.create(R.persistentvolumes, undefined, volume('big', '10Gi'));
    await c.create(R.persistentvolumes, undefined, volume('small', '2Gi'));
    await eventually(async () => (await phase(c, R.persistentvolumes, undefined, 'small')) === 'Available', 'small Available');
    await c.create(R.persistentvolumeclaims, 'default', claim('data', '1Gi', { storageClassName: 'manual' }));
    await eventually(async () => (await phase(c, R.persistentvolumeclaims, 'default', 'data')) === 'Bound', 'data Bound');
    const pvc = await c.get(R.persistentvolumeclaims, 'default', 'data');
    assert.equal(pvc.spec.volumeName, 'small');
    assert.equal(pvc.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(pvc.status.capacity.storage, '2Gi');
    const small = await c.get(R.persistentvolumes, undefined, 'small');
    assert.equal(small.status.phase, 'Bound');
    assert.equal(small.spec.claimRef.name, 'data');
    assert.equal(await phase(c, R.persistentvolumes, undefined, 'big'), 'Available');
    await c.delete(R.persistentvolumeclaims, 'default', 'data');
    await eventually(async () => (await phase(c, R.persistentvolumes, undefined, 'small')) === 'Released', 'small Released');

    // Dynamic: no class → default class → local-path volume under the data dir.
    await c.create(R.persistentvolumeclaims, 'default', claim('dyn', '1Gi'));
    await eventually(async () => (await phase(c, R.persistentvolumeclaims, 'default', 'dyn')) === 'Bound', 'dyn Bound');
    const dyn = await c.get(R.persistentvolumeclaims, 'default', 'dyn');
    const pv = await c.get(R.persistentvolumes, undefined, dyn.spec.volumeName);
    assert.equal(pv.spec.storageClassName, 'standard');
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.ok(pv.spec.hostPath.path.startsWith(join(dataDir, 'volumes')));
    assert.ok(existsSync(pv.spec.hostPath.path));
    await c.delete(R.persistentvolumeclaims, 'default', 'dyn');
    await eventuallyDefined(
      () =>
        c.get(R.persistentvolumes, undefined, pv.metadata.name!).then(
          () => false,
          (e) => e.code === 404,
        ),
      'dynamic PV deleted',
    );
    assert.equal(existsSync(pv.spec.hostPath.path), false);
  } finally {
    ctrls.forEach((x) => x.stop());
    informers.stop();
    await tc.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
