// apps/v1 Deployment, ReplicaSet and ControllerRevision.
import type { FieldError, KubeObject } from '../types';
import { REPLICAS_SCALE, defineKind } from './define-kind';
import { ageColumn, column, formatSelector, nameColumn, selectorString, templateColumns } from '../printing';
import { defaultPodTemplate } from '../pod-defaults';
import { forbidden, invalid, nonNegative, oneOf, validateIntOrPercent } from '../validation/validation';
import { validateReplicas, validateSelectorAndTemplate, validateSelectorImmutable } from '../validation/workload-validation';
import type { LabelSelector } from '../../apimachinery/selectors';
import type { PodTemplateSpec } from '../../apimachinery/pod-types';

interface DeploymentStrategy {
  type?: string;
  rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
}

/** The Deployment spec fields validation reads. */
interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
}

const replicatedTemplate = (kind: string) => ({ restartPolicies: ['Always'], noActiveDeadlineFor: kind, emptySelectorNoun: 'deployment' });

/** An int-or-percent field of a rolling update: non-negative, percentages at most 100%. */
const isZero = (v: unknown) => v === 0 || v === '0%' || v === undefined;

function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined): FieldError[] {
  if (!strategy) return [];
  const errs = oneOf('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']);
  const ru = strategy.rollingUpdate;
  if (strategy.type === 'Recreate' && ru)
    errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  if (strategy.type === 'RollingUpdate' && ru) {
    errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
    errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return errs;
}

export const deploymentKind = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  shortNames: ['deploy'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true, scale: REPLICAS_SCALE },
  model: 'V1Deployment',
  printerColumns: [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`),
    column(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      (o) => o.status?.updatedReplicas ?? 0,
    ),
    column(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      (o) => o.status?.availableReplicas ?? 0,
    ),
    ageColumn(),
    ...templateColumns(
      (o) => o.spec?.template?.spec?.containers,
      (o) => selectorString(o.spec?.selector as LabelSelector | undefined),
    ),
  ],
  defaults: (d) => {
    const spec = (d.spec ??= {});
    spec.replicas ??= 1;
    spec.strategy ??= {};
    spec.strategy.type ??= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      spec.strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (d) => {
    d.status = {};
  },
  validate: (d, old) => {
    const spec: DeploymentSpec = d.spec ?? {};
    const errs = [
      ...validateReplicas(spec),
      ...validateSelectorAndTemplate(spec, replicatedTemplate('ReplicaSet')),
      ...validateDeploymentStrategy(spec.strategy),
      ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
      ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ];
    if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
    if (old) errs.push(...validateSelectorImmutable(spec, old.spec));
    return errs;
  },
});

export const replicaSetKind = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  shortNames: ['rs'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true, scale: REPLICAS_SCALE },
  model: 'V1ReplicaSet',
  printerColumns: [
    nameColumn(),
    column('Desired', 'integer', 'Number of desired pods.', (o) => o.spec?.replicas ?? 0),
    column('Current', 'integer', 'Most recently observed number of replicas.', (o) => o.status?.replicas ?? 0),
    column('Ready', 'integer', 'Number of ready replicas.', (o) => o.status?.readyReplicas ?? 0),
    ageColumn(),
    ...templateColumns(
      (o) => o.spec?.template?.spec?.containers,
      (o) => formatSelector(o.spec?.selector as LabelSelector | undefined),
    ),
  ],
  fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  defaults: (rs) => {
    const spec = (rs.spec ??= {});
    spec.replicas ??= 1;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (rs) => {
    rs.status = { replicas: 0 };
  },
  validate: (rs, old) => [
    ...validateReplicas(rs.spec),
    ...validateSelectorAndTemplate(rs.spec, replicatedTemplate('ReplicaSet')),
    ...nonNegative('spec.minReadySeconds', rs.spec?.minReadySeconds),
    ...(old ? validateSelectorImmutable(rs.spec, old.spec) : []),
  ],
});

/** CONTROLLER cell: "statefulset.apps/web" from the controlling owner reference. */
export function controllerOf(obj: KubeObject): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const api = String(ref.apiVersion ?? '');
  const group = api.includes('/') ? api.split('/')[0] : '';
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionKind = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  namespaced: true,
  model: 'V1ControllerRevision',
  printerColumns: [
    nameColumn(),
    column('Controller', 'string', 'Controller of the object', controllerOf),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.', (o) => o.revision ?? 0),
    ageColumn(),
  ],
  validate: (cr, old) => {
    const errs = nonNegative('revision', cr.revision);
    if (old && JSON.stringify(cr.data ?? null) !== JSON.stringify(old.data ?? null)) errs.push(invalid('data', '', 'field is immutable'));
    return errs;
  },
});
