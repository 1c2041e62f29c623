// apps/v1 StatefulSet and DaemonSet.
import type { FieldError } from '../types';
import { REPLICAS_SCALE, defineKind } from './define-kind';
import { ageColumn, column, formatLabels, formatSelector, nameColumn, templateColumns } from '../printing';
import { defaultPodTemplate } from '../pod-defaults';
import { defaultClaim, validateClaim, type ClaimLike } from './kinds-core-storage';
import type { LabelSelector } from '../../apimachinery/selectors';
import type { PodTemplateSpec } from '../../apimachinery/pod-types';
import { deepEqual, forbidden, index, nonNegative, oneOf } from '../validation/validation';
import { validateReplicas, validateSelectorAndTemplate, validateSelectorImmutable } from '../validation/workload-validation';

/** The StatefulSet spec fields validation reads; the rest is compared as a whole. */
interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateSpec;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  minReadySeconds?: number;
  volumeClaimTemplates?: ClaimLike[];
  [field: string]: unknown;
}

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];
const STS_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
  "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function withoutMutable(spec: StatefulSetSpec | undefined): StatefulSetSpec {
  const copy: StatefulSetSpec = { ...(spec ?? {}) };
  for (const f of STS_MUTABLE) delete copy[f];
  // Claim templates are compared without the status the server defaults into them.
  copy.volumeClaimTemplates = (copy.volumeClaimTemplates ?? []).map((t) => ({ ...t, status: undefined }));
  return copy;
}

export const statefulSetKind = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  shortNames: ['sts'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true, scale: REPLICAS_SCALE },
  model: 'V1StatefulSet',
  printerColumns: [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`),
    ageColumn(),
    ...templateColumns((o) => o.spec?.template?.spec?.containers),
  ],
  defaults: (sts) => {
    const spec = (sts.spec ??= {});
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ??= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.partition ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    spec.persistentVolumeClaimRetentionPolicy ??= {};
    spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
    spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
    for (const t of (spec.volumeClaimTemplates ?? []) as ClaimLike[]) {
      t.apiVersion ??= 'v1';
      t.kind ??= 'PersistentVolumeClaim';
      defaultClaim(t);
    }
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (sts) => {
    sts.status = { replicas: 0, availableReplicas: 0 };
  },
  validate: (sts, old) => {
    const spec: StatefulSetSpec = sts.spec ?? {};
    const errs: FieldError[] = [
      ...validateReplicas(spec),
      ...validateSelectorAndTemplate(spec, {
        restartPolicies: ['Always'],
        noActiveDeadlineFor: 'StatefulSet',
        emptySelectorNoun: 'statefulset',
      }),
      ...oneOf('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']),
      ...oneOf('spec.updateStrategy.type', spec.updateStrategy?.type, ['OnDelete', 'RollingUpdate']),
      ...nonNegative('spec.updateStrategy.rollingUpdate.partition', spec.updateStrategy?.rollingUpdate?.partition),
      ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ];
    (spec.volumeClaimTemplates ?? []).forEach((t, i) => {
      errs.push(...validateClaim(t, `${index('spec.volumeClaimTemplates', i)}.spec`));
    });
    if (old && !deepEqual(withoutMutable(spec), withoutMutable(old.spec))) errs.push(forbidden('spec', STS_FORBIDDEN));
    return errs;
  },
});

export const daemonSetKind = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  shortNames: ['ds'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V1DaemonSet',
  printerColumns: [
    nameColumn(),
    column('Desired', 'integer', 'Number of nodes that should run the daemon pod.', (o) => o.status?.desiredNumberScheduled ?? 0),
    column('Current', 'integer', 'Number of nodes running at least one daemon pod.', (o) => o.status?.currentNumberScheduled ?? 0),
    column('Ready', 'integer', 'Number of nodes with a ready daemon pod.', (o) => o.status?.numberReady ?? 0),
    column('Up-to-date', 'integer', 'Number of nodes running the updated daemon pod.', (o) => o.status?.updatedNumberScheduled ?? 0),
    column('Available', 'integer', 'Number of nodes with an available daemon pod.', (o) => o.status?.numberAvailable ?? 0),
    column('Node Selector', 'string', 'Node selector of the pod template.', (o) => formatLabels(o.spec?.template?.spec?.nodeSelector)),
    ageColumn(),
    ...templateColumns(
      (o) => o.spec?.template?.spec?.containers,
      (o) => formatSelector(o.spec?.selector as LabelSelector | undefined),
    ),
  ],
  defaults: (ds) => {
    const spec = (ds.spec ??= {});
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ??= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
      spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (ds) => {
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
  },
  validate: (ds, old) => [
    ...validateSelectorAndTemplate(ds.spec, {
      restartPolicies: ['Always'],
      noActiveDeadlineFor: 'DaemonSet',
      emptySelectorNoun: 'daemonset',
    }),
    ...oneOf('spec.updateStrategy.type', ds.spec?.updateStrategy?.type, ['OnDelete', 'RollingUpdate']),
    ...nonNegative('spec.minReadySeconds', ds.spec?.minReadySeconds),
    ...(old ? validateSelectorImmutable(ds.spec, old.spec) : []),
  ],
});
