// Smaller groups: coordination Lease, storage StorageClass, scheduling PriorityClass, and the
// create-only SelfSubjectReview behind `kubectl auth whoami`, TokenReview (the access reviews behind
// `kubectl auth can-i`: kinds-authorization.ts).
import type { FieldError, KubeObject } from '../types';
import { CREATE_ONLY, defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { deepEqual, forbidden, invalid, isQualifiedName, oneOf, required } from '../validation/validation';

export const leaseKind = defineKind({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
  model: 'V1Lease',
  printerColumns: [
    nameColumn(),
    column('Holder', 'string', 'Identity of the lease holder.', (o) => o.spec?.holderIdentity ?? ''),
    ageColumn(),
  ],
  validate: (l) => {
    const errs: FieldError[] = [];
    for (const f of ['leaseDurationSeconds', 'leaseTransitions']) {
      if (typeof l.spec?.[f] === 'number' && l.spec[f] < 0)
        errs.push(invalid(`spec.${f}`, l.spec[f], 'must be greater than or equal to 0'));
    }
    return errs;
  },
});

function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassKind = defineKind({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  shortNames: ['sc'],
  namespaced: false,
  model: 'V1StorageClass',
  printerColumns: [
    nameColumn((o) => (isDefaultClass(o) ? `${o.metadata.name} (default)` : (o.metadata.name ?? ''))),
    column('Provisioner', 'string', 'Provisioner of the storage class.', (o) => o.provisioner ?? ''),
    column('ReclaimPolicy', 'string', 'Reclaim policy of dynamically provisioned volumes.', (o) => o.reclaimPolicy ?? 'Delete'),
    column('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.', (o) => o.volumeBindingMode ?? 'Immediate'),
    column('AllowVolumeExpansion', 'string', 'Whether volumes of this class can be expanded.', (o) => o.allowVolumeExpansion ?? false),
    ageColumn(),
  ],
  defaults: (sc) => {
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate: (sc, old) => {
    const errs: FieldError[] = [];
    if (!sc.provisioner) errs.push(required('provisioner'));
    else for (const m of isQualifiedName(String(sc.provisioner).toLowerCase())) errs.push(invalid('provisioner', sc.provisioner, m));
    errs.push(...oneOf('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
    errs.push(...oneOf('volumeBindingMode', sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
    if (old) {
      if (!deepEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
      if (sc.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
      if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
      if (sc.volumeBindingMode !== old.volumeBindingMode) errs.push(forbidden('volumeBindingMode', 'field is immutable'));
    }
    return errs;
  },
});

const MAX_USER_PRIORITY = 1000000000;

export const priorityClassKind = defineKind({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  shortNames: ['pc'],
  namespaced: false,
  model: 'V1PriorityClass',
  printerColumns: [
    nameColumn(),
    column('Value', 'integer', 'Priority of pods using this class.', (o) => o.value ?? 0),
    column('Global-Default', 'boolean', 'Whether this is the default priority class.', (o) => o.globalDefault === true),
    ageColumn(),
    column('PreemptionPolicy', 'string', 'Whether pods of this class may preempt others.', (o) => o.preemptionPolicy ?? ''),
  ],
  defaults: (pc) => {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: (pc, old) => {
    const errs: FieldError[] = [];
    const name = pc.metadata.name ?? '';
    const system = name === 'system-cluster-critical' || name === 'system-node-critical';
    if (name.startsWith('system-') && !system)
      errs.push(invalid('metadata.name', name, "priority class names with 'system-' prefix are reserved"));
    if (!system && typeof pc.value === 'number' && pc.value > MAX_USER_PRIORITY) {
      errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${MAX_USER_PRIORITY}`));
    }
    errs.push(...oneOf('preemptionPolicy', pc.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
    if (old && old.value !== pc.value) errs.push(forbidden('value', 'may not be changed in an update.'));
    if (old && old.preemptionPolicy !== pc.preemptionPolicy)
      errs.push(invalid('preemptionPolicy', pc.preemptionPolicy ?? '', 'field is immutable'));
    return errs;
  },
});

export const selfSubjectReviewKind = defineKind({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1SelfSubjectReview',
});

/** TokenReview: checks a bearer token for someone else (kube-rbac-proxy, Vault), as upstream. */
export const tokenReviewKind = defineKind({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1TokenReview',
});
