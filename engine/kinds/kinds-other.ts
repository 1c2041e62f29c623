// Smaller groups: coordination Lease, storage StorageClass, scheduling PriorityClass,
// apiextensions CustomResourceDefinition (stored only for now), and the create-only
// review kinds behind `kubectl auth can-i` and `kubectl auth whoami`.
import type { FieldError, KubeObject } from './types';
import { CREATE_ONLY, defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from './printing';
import { goRaw } from './go-format';
import { child, deepEqual, forbidden, index, invalid, isDNS1035Label, isQualifiedName, oneOf, required } from './validation';

type Obj = Record<string, any>;

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

function validateCrd(crd: KubeObject): FieldError[] {
  const spec: Obj = crd.spec ?? {};
  const names: Obj = spec.names ?? {};
  const errs: FieldError[] = [];
  const want = `${names.plural}.${spec.group}`;
  if (crd.metadata.name !== want) errs.push(invalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!spec.group) errs.push(required('spec.group'));
  else if (!String(spec.group).includes('.')) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (!spec.scope) errs.push(required('spec.scope'));
  else errs.push(...oneOf('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  for (const f of ['plural', 'singular']) {
    if (!names[f]) errs.push(required(`spec.names.${f}`));
    else for (const m of isDNS1035Label(names[f])) errs.push(invalid(`spec.names.${f}`, names[f], m));
  }
  if (!names.kind) errs.push(required('spec.names.kind'));
  if (!names.listKind) errs.push(required('spec.names.listKind'));
  const versions: Obj[] = spec.versions ?? [];
  if (versions.filter((v) => v.storage).length !== 1) {
    const value = versions.length
      ? goRaw('[]apiextensions.CustomResourceDefinitionVersion{...}')
      : goRaw('[]apiextensions.CustomResourceDefinitionVersion(nil)');
    errs.push(invalid('spec.versions', value, 'must have exactly one version marked as storage version'));
  }
  versions.forEach((v, i) => {
    const p = index('spec.versions', i);
    if (!v.name) errs.push(required(child(p, 'name')));
    if (v.served === undefined) errs.push(required(child(p, 'served')));
    if (v.storage === undefined) errs.push(required(child(p, 'storage')));
    if (!v.schema?.openAPIV3Schema) errs.push(required(child(child(p, 'schema'), 'openAPIV3Schema'), 'schemas are required'));
  });
  return errs;
}

export const customResourceDefinitionKind = defineKind({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  shortNames: ['crd', 'crds'],
  namespaced: false,
  categories: ['api-extensions'],
  subresources: { status: true },
  model: 'V1CustomResourceDefinition',
  defaults: (crd) => {
    const spec = (crd.spec ??= {});
    const names = (spec.names ??= {});
    if (names.kind) {
      names.singular ??= String(names.kind).toLowerCase();
      names.listKind ??= `${names.kind}List`;
    }
    spec.conversion ??= { strategy: 'None' };
  },
  // Until a CRD controller exists, names are accepted and the definition is established at once.
  prepareForCreate: (crd) => {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const storage = (crd.spec?.versions ?? []).find((v: Obj) => v.storage)?.name;
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
    crd.status = {
      acceptedNames: { ...(crd.spec?.names ?? {}) },
      conditions: [
        cond('NamesAccepted', 'NoConflicts', 'no conflicts found'),
        cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ],
      storedVersions: storage ? [storage] : [],
    };
  },
  validate: validateCrd,
});

export const selfSubjectAccessReviewKind = defineKind({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1SelfSubjectAccessReview',
  validate: (r) => {
    const spec: Obj = r.spec ?? {};
    if (!!spec.resourceAttributes === !!spec.nonResourceAttributes) {
      return [invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
    }
    return [];
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
