// core/v1 PersistentVolume and PersistentVolumeClaim: printing (CAPACITY, ACCESS MODES,
// STORAGECLASS, VOLUMEATTRIBUTESCLASS...), defaults (Filesystem, Pending) and the rule
// that a claim's spec only grows its storage request after creation.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { accessModes, ageColumn, column, nameColumn } from '../printing';
import { child, deepEqual, forbidden, invalid, notSupported, required, validateQuantity } from '../validation/validation';
import { parseQuantity } from '../../apimachinery/quantity';
import type { QuantityValue } from '../../apimachinery/pod-types';
import type { ObjectMeta } from '../../apimachinery/object-types';

/** The PersistentVolume spec fields validation reads; the volume sources pass through. */
interface VolumeSpec {
  accessModes?: string[];
  capacity?: { storage?: QuantityValue };
  persistentVolumeReclaimPolicy?: string;
  [field: string]: unknown;
}

/** The PersistentVolumeClaim spec fields defaulting and validation read. */
interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: { storage?: QuantityValue } };
  volumeMode?: string;
  volumeName?: string;
  volumeAttributesClassName?: string;
  [field: string]: unknown;
}

/** A claim or a StatefulSet's claim template. */
export interface ClaimLike {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: ClaimSpec;
  status?: { phase?: string };
}
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function storageClassOf(o: KubeObject): string {
  // The beta annotation still wins when present, as upstream's helper reads it first.
  return o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? o.spec?.storageClassName ?? '';
}

function validateAccessModes(modes: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!modes || modes.length === 0) return [required(path, 'at least 1 access mode is required')];
  for (const m of modes) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

export const persistentVolumeKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  shortNames: ['pv'],
  namespaced: false,
  subresources: { status: true },
  model: 'V1PersistentVolume',
  printerColumns: [
    nameColumn(),
    column('Capacity', 'string', 'Storage capacity of the volume.', (o) => String(o.spec?.capacity?.storage ?? '0')),
    column('Access Modes', 'string', 'Ways the volume can be mounted.', (o) => accessModes(o.spec?.accessModes)),
    column(
      'Reclaim Policy',
      'string',
      'What happens to the volume when released from its claim.',
      (o) => o.spec?.persistentVolumeReclaimPolicy ?? '',
    ),
    column('Status', 'string', 'Phase of the volume.', (o) => (o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''))),
    column('Claim', 'string', 'The claim bound to this volume.', (o) =>
      o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : '',
    ),
    column('StorageClass', 'string', 'StorageClass of the pv', storageClassOf),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv', (o) => o.spec?.volumeAttributesClassName ?? '<unset>'),
    column('Reason', 'string', 'Reason for the volume phase.', (o) => o.status?.reason ?? ''),
    ageColumn(),
    column('VolumeMode', 'string', 'Filesystem or Block.', (o) => o.spec?.volumeMode ?? '<unset>', 1),
  ],
  defaults: (pv) => {
    const spec = (pv.spec ??= {});
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
    if (spec.hostPath) spec.hostPath.type ??= '';
    pv.status ??= {};
    pv.status.phase ??= 'Pending';
  },
  prepareForCreate: (pv) => {
    pv.status = { phase: 'Pending' };
  },
  validate: (pv) => {
    const spec: VolumeSpec = pv.spec ?? {};
    const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
    if (!spec.capacity?.storage) errs.push(required('spec.capacity'));
    else errs.push(...validateQuantity('spec.capacity[storage]', spec.capacity.storage));
    errs.push(
      ...(['Retain', 'Delete', 'Recycle'].includes(spec.persistentVolumeReclaimPolicy ?? '')
        ? []
        : [notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain'])]),
    );
    const sources = Object.keys(spec).filter((k) =>
      [
        'hostPath',
        'local',
        'nfs',
        'csi',
        'iscsi',
        'fc',
        'cephfs',
        'rbd',
        'awsElasticBlockStore',
        'gcePersistentDisk',
        'azureDisk',
        'azureFile',
      ].includes(k),
    );
    if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
    if (spec.local && !spec.nodeAffinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
    return errs;
  },
});

export const persistentVolumeClaimKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  shortNames: ['pvc'],
  namespaced: true,
  subresources: { status: true },
  model: 'V1PersistentVolumeClaim',
  printerColumns: [
    nameColumn(),
    column('Status', 'string', 'Phase of the claim.', (o) => (o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''))),
    column('Volume', 'string', 'The volume bound to this claim.', (o) => o.spec?.volumeName ?? ''),
    column('Capacity', 'string', 'Actual capacity of the bound volume.', (o) =>
      o.spec?.volumeName ? String(o.status?.capacity?.storage ?? '0') : '',
    ),
    column('Access Modes', 'string', 'Access modes of the bound volume.', (o) =>
      o.spec?.volumeName ? accessModes(o.status?.accessModes) : '',
    ),
    column('StorageClass', 'string', 'StorageClass of the pvc', storageClassOf),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc', (o) => o.spec?.volumeAttributesClassName ?? '<unset>'),
    ageColumn(),
    column('VolumeMode', 'string', 'Filesystem or Block.', (o) => o.spec?.volumeMode ?? '<unset>', 1),
  ],
  defaults: (pvc) => defaultClaim(pvc),
  prepareForCreate: (pvc) => {
    pvc.status = { phase: 'Pending' };
  },
  validate: (pvc, old) => validateClaim(pvc, 'spec', old),
});

/** PVC defaults; also used for StatefulSet volumeClaimTemplates. */
export function defaultClaim(pvc: ClaimLike): void {
  (pvc.spec ??= {}).volumeMode ??= 'Filesystem';
  pvc.status ??= {};
  pvc.status.phase ??= 'Pending';
}

export function validateClaim(pvc: ClaimLike, path: string, old?: ClaimLike): FieldError[] {
  const spec: ClaimSpec = pvc.spec ?? {};
  const errs = validateAccessModes(spec.accessModes, child(path, 'accessModes'));
  const storage = spec.resources?.requests?.storage;
  const storagePath = child(path, 'resources[storage]');
  if (storage === undefined) errs.push(required(storagePath));
  else {
    errs.push(...validateQuantity(storagePath, storage));
    if (parseQuantity(storage) === 0) errs.push(invalid(storagePath, String(storage), 'must be greater than zero'));
  }
  if (spec.volumeMode) {
    if (!['Block', 'Filesystem'].includes(spec.volumeMode))
      errs.push(notSupported(child(path, 'volumeMode'), spec.volumeMode, ['Block', 'Filesystem']));
  }
  if (old) {
    const prev: ClaimSpec = old.spec ?? {};
    // Only the storage request (and, once bound, the attributes class) may change.
    const strip = (s: ClaimSpec): ClaimSpec => ({
      ...s,
      resources: { ...(s.resources ?? {}), requests: undefined },
      volumeAttributesClassName: undefined,
    });
    const a = strip(spec);
    const b = strip(prev);
    // The binder fills volumeName once.
    if (!prev.volumeName) delete a.volumeName;
    if (!deepEqual(a, b))
      errs.push(
        forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'),
      );
    const was = parseQuantity(prev.resources?.requests?.storage);
    const now = parseQuantity(storage);
    if (was !== null && now !== null && now < was && old.status?.phase === 'Bound') {
      errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  return errs;
}
