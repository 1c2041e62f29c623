// Local-path dynamic provisioner (like kind's and k3s's): the default StorageClass `standard`,
// and for every claim the binder hands to `skiff.dev/local-path`, a hostPath volume whose
// directory lives under <dataDir>/volumes; Released volumes with reclaimPolicy Delete lose their
// directory and their PV object.
//
// Binding mode Immediate, not kind's WaitForFirstConsumer: every node of a local cluster runs
// on this one host and sees the same directories, so a volume need not follow a pod's node, and
// StatefulSet claims bind without the scheduler having to pick nodes for volumes first.
import { splitKey } from '../client/informer';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { ANN_STORAGE_PROVISIONER, claimClass } from './pv-binder';
import type { Controller, ControllerDeps } from './types';

export const LOCAL_PATH_PROVISIONER = 'skiff.dev/local-path';
export const DEFAULT_STORAGE_CLASS = 'standard';
const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

export function defaultStorageClass(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

export function createLocalPathProvisioner(deps: ControllerDeps): Controller {
  const { client, informers, log, events } = deps;
  const root = resolve(deps.dataDir ?? join(tmpdir(), 'skiff-local-path'), 'volumes');
  const pvs = informers.informer(R.persistentvolumes);
  const pvcs = informers.informer(R.persistentvolumeclaims);
  const classes = informers.informer(R.storageclasses);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`local-path ${k}: ${(e as Error).message}`) });

  async function sync(key: string) {
    if (key.startsWith('pv:')) return reclaim(key.slice(3));
    const { ns, name } = splitKey(key.slice(4));
    const pvc = pvcs.get(ns, name);
    if (!pvc || pvc.metadata.deletionTimestamp || pvc.spec?.volumeName) return;
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== LOCAL_PATH_PROVISIONER) return;
    const pvName = `pvc-${pvc.metadata.uid}`;
    if (pvs.get(undefined, pvName)) return;
    const cls = classes.get(undefined, claimClass(pvc, classes.list()));
    const path = join(root, `${pvName}_${ns}_${name}`);
    mkdirSync(path, { recursive: true, mode: 0o777 });
    try {
      await client.create(R.persistentvolumes, undefined, {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: pvName, annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER } },
        spec: {
          capacity: { storage: pvc.spec?.resources?.requests?.storage },
          accessModes: pvc.spec?.accessModes,
          volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
          persistentVolumeReclaimPolicy: cls?.reclaimPolicy ?? 'Delete',
          storageClassName: cls?.metadata.name ?? pvc.spec?.storageClassName ?? '',
          hostPath: { path, type: 'DirectoryOrCreate' },
          claimRef: {
            kind: 'PersistentVolumeClaim',
            apiVersion: 'v1',
            namespace: ns,
            name,
            uid: pvc.metadata.uid,
            resourceVersion: pvc.metadata.resourceVersion,
          },
          ...(cls?.mountOptions ? { mountOptions: cls.mountOptions } : {}),
        },
      });
      events.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
  }

  /** Released local-path volumes with reclaimPolicy Delete: remove the directory, then the PV. */
  async function reclaim(name: string) {
    const pv = pvs.get(undefined, name);
    if (!pv || pv.metadata.annotations?.[ANN_PROVISIONED_BY] !== LOCAL_PATH_PROVISIONER) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    // Only ever remove directories this provisioner made (under its root).
    const path = resolve(pv.spec?.hostPath?.path ?? '');
    if (path.startsWith(root + sep)) rmSync(path, { recursive: true, force: true });
    await client.delete(R.persistentvolumes, undefined, name).catch((e) => {
      if (!isStatus(e, 404)) throw e;
    });
  }

  return {
    name: 'local-path-provisioner',
    async start() {
      // The default class exists from the start (created when missing; a user's edits of it stay).
      await client.create(R.storageclasses, undefined, defaultStorageClass()).catch((e) => {
        if (!isStatus(e, 409)) log(`local-path: creating StorageClass standard: ${e.message}`);
      });
      const claimKey = (c: KubeObject) => `pvc:${c.metadata.namespace}/${c.metadata.name}`;
      pvcs.addHandlers({ add: (c) => queue.add(claimKey(c)), update: (_a, c) => queue.add(claimKey(c)) });
      pvs.addHandlers({ add: (v) => queue.add(`pv:${v.metadata.name}`), update: (_a, v) => queue.add(`pv:${v.metadata.name}`) });
    },
    stop: () => queue.stop(),
  };
}
