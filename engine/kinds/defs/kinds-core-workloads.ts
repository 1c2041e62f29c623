// core/v1 ReplicationController, ResourceQuota and LimitRange.
import type { FieldError, KubeObject } from '../types';
import { REPLICAS_SCALE, defineKind } from './define-kind';
import { ageColumn, column, formatLabels, nameColumn, templateColumns } from '../printing';
import { defaultPodTemplate } from '../pod-defaults';
import { validateMapSelectorAndTemplate, validateReplicas } from '../validation/workload-validation';
import { key, validateQuantity } from '../validation/validation';

export const replicationControllerKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  shortNames: ['rc'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true, scale: REPLICAS_SCALE },
  model: 'V1ReplicationController',
  printerColumns: [
    nameColumn(),
    column('Desired', 'integer', 'Number of desired pods.', (o) => o.spec?.replicas ?? 0),
    column('Current', 'integer', 'Most recently observed number of replicas.', (o) => o.status?.replicas ?? 0),
    column('Ready', 'integer', 'Number of ready replicas.', (o) => o.status?.readyReplicas ?? 0),
    ageColumn(),
    ...templateColumns(
      (o) => o.spec?.template?.spec?.containers,
      (o) => formatLabels(o.spec?.selector),
    ),
  ],
  fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  defaults: (rc) => {
    const spec = (rc.spec ??= {});
    const labels = spec.template?.metadata?.labels;
    // Selector and object labels default to the template's labels.
    if (labels && (!spec.selector || Object.keys(spec.selector).length === 0)) spec.selector = { ...labels };
    if (labels && (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0)) rc.metadata.labels = { ...labels };
    spec.replicas ??= 1;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (rc) => {
    rc.status = { replicas: 0 };
  },
  validate: (rc) => [...validateReplicas(rc.spec), ...validateMapSelectorAndTemplate(rc.spec)],
});

/** "cpu: 100m/1, pods: 2/10" split into requests and limits columns, as kubectl shows quotas. */
export function quotaColumns(rq: KubeObject): { request: string; limit: string } {
  const hard: Record<string, string> = rq.status?.hard ?? {};
  const used: Record<string, string> = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const entry = `${name}: ${used[name] ?? '0'}/${hard[name]}`;
    (name.split('.').length > 1 && name.split('.')[0] === 'limits' ? limit : request).push(entry);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

export const resourceQuotaKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  shortNames: ['quota'],
  namespaced: true,
  subresources: { status: true },
  model: 'V1ResourceQuota',
  printerColumns: [
    nameColumn(),
    column('Request', 'string', 'Requested resources used and allowed (non-limits entries).', (o) => quotaColumns(o).request),
    column('Limit', 'string', 'Limit resources used and allowed (limits.* entries).', (o) => quotaColumns(o).limit),
    ageColumn(),
  ],
  prepareForCreate: (rq) => {
    rq.status = {};
  },
  validate: (rq) => {
    const errs: FieldError[] = [];
    for (const [name, q] of Object.entries(rq.spec?.hard ?? {})) errs.push(...validateQuantity(key('spec.hard', name), q));
    return errs;
  },
});

/** One of a LimitRange's spec.limits, as defaulting reads it. */
interface LimitItem {
  type?: string;
  max?: Record<string, string>;
  min?: Record<string, string>;
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
}

function defaultLimitItem(item: LimitItem): void {
  if (item.type !== 'Container') return;
  const def: Record<string, string> = { ...(item.default ?? {}) };
  const req: Record<string, string> = { ...(item.defaultRequest ?? {}) };
  // Missing default limits come from max; missing default requests from the limit, then min.
  for (const [k, v] of Object.entries(item.max ?? {})) def[k] ??= v;
  for (const [k, v] of Object.entries(def)) req[k] ??= v;
  for (const [k, v] of Object.entries(item.min ?? {})) req[k] ??= v;
  if (Object.keys(def).length) item.default = def;
  if (Object.keys(req).length) item.defaultRequest = req;
}

export const limitRangeKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  shortNames: ['limits'],
  namespaced: true,
  model: 'V1LimitRange',
  defaults: (lr) => {
    for (const item of lr.spec?.limits ?? []) defaultLimitItem(item);
  },
  validate: (lr) => {
    const errs: FieldError[] = [];
    (lr.spec?.limits ?? []).forEach((item: Record<string, Record<string, unknown> | undefined>, i: number) => {
      for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
        for (const [name, q] of Object.entries(item[f] ?? {})) errs.push(...validateQuantity(key(`spec.limits[${i}].${f}`, name), q));
      }
    });
    return errs;
  },
});
