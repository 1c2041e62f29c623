// autoscaling/v2 and autoscaling/v1 HorizontalPodAutoscaler: one stored kind, two API shapes.
// Printing works on either shape; hpaV1ToV2/hpaV2ToV1 translate between them for serving.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { child, invalid, oneOf, required } from '../validation/validation';
import type { MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, ResourceMetricSource } from '../../apimachinery/autoscaling-types';

/** One direction of an HPA's spec.behavior. */
interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: { type: string; value: number; periodSeconds: number }[];
}

/** v2 metrics of an HPA in either shape (v1 only knows a CPU utilization target). */
function metricsOf(hpa: KubeObject): { specs: MetricSpec[]; statuses: (MetricStatus | undefined)[] } {
  if (hpa.spec?.metrics || hpa.status?.currentMetrics)
    return { specs: hpa.spec?.metrics ?? [], statuses: hpa.status?.currentMetrics ?? [] };
  const target = hpa.spec?.targetCPUUtilizationPercentage;
  if (target === undefined) return { specs: [], statuses: [] };
  const current = hpa.status?.currentCPUUtilizationPercentage;
  return {
    specs: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }],
    statuses: current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }],
  };
}

function valueTarget(target: MetricTarget, current: MetricValueStatus | undefined, label = ''): string {
  if (target?.averageValue !== undefined) return `${label}${current?.averageValue ?? '<unknown>'}/${target.averageValue} (avg)`;
  return `${label}${current?.value ?? '<unknown>'}/${target?.value}`;
}

function resourceTarget(src: Partial<ResourceMetricSource>, cur: { current?: MetricValueStatus } | undefined): string {
  if (src.target?.averageValue !== undefined) return `${src.name}: ${cur?.current?.averageValue ?? '<unknown>'}/${src.target.averageValue}`;
  const current = cur?.current?.averageUtilization !== undefined ? `${cur.current.averageUtilization}%` : '<unknown>';
  const target = src.target?.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : '<auto>';
  return `${src.name}: ${current}/${target}`;
}

/** TARGETS: "cpu: 12%/80%, memory: <unknown>/1Gi + 1 more...". */
export function hpaTargets(hpa: KubeObject): string {
  const { specs, statuses } = metricsOf(hpa);
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, i) => {
    const st = statuses[i];
    switch (spec.type) {
      case 'External': {
        const t = valueTarget(spec.external?.target ?? {}, st?.external?.current);
        return spec.external?.target?.averageValue !== undefined ? t : t.replace(/ \(avg\)$/, '');
      }
      case 'Pods':
        return `${st?.pods?.current?.averageValue ?? '<unknown>'}/${spec.pods?.target?.averageValue}`;
      case 'Object':
        return valueTarget(spec.object?.target ?? {}, st?.object?.current);
      case 'Resource':
        return resourceTarget(spec.resource ?? {}, st?.resource);
      case 'ContainerResource':
        return resourceTarget(spec.containerResource ?? {}, st?.containerResource);
      default:
        return '<unknown type>';
    }
  });
  const shown = list.slice(0, 2).join(', ');
  return list.length > 2 ? `${shown} + ${list.length - 2} more...` : shown;
}

const columns = () => [
  nameColumn(),
  column(
    'Reference',
    'string',
    'The target resource being scaled.',
    (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`,
  ),
  column('Targets', 'string', 'Current and target values of the metrics.', hpaTargets),
  column('MinPods', 'string', 'Lower limit for the number of replicas.', (o) =>
    o.spec?.minReplicas === undefined ? '<unset>' : String(o.spec.minReplicas),
  ),
  column('MaxPods', 'string', 'Upper limit for the number of replicas.', (o) => o.spec?.maxReplicas ?? 0),
  column('Replicas', 'string', 'Current number of replicas.', (o) => o.status?.currentReplicas ?? 0),
  ageColumn(),
];

/** The spec fields both API versions share. */
interface HpaSpecCommon {
  scaleTargetRef?: { kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
}

function validateCommon(spec: HpaSpecCommon): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.scaleTargetRef?.kind) errs.push(required('spec.scaleTargetRef.kind'));
  if (!spec.scaleTargetRef?.name) errs.push(required('spec.scaleTargetRef.name'));
  if (spec.minReplicas !== undefined && spec.minReplicas < 1)
    errs.push(invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas ?? 0;
  if (!(max >= 1)) errs.push(invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
  else if (spec.minReplicas !== undefined && max < spec.minReplicas) {
    errs.push(invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  return errs;
}

function defaultRules(rules: ScalingRules | undefined, up: boolean): ScalingRules {
  const r: ScalingRules = { ...(rules ?? {}) };
  r.stabilizationWindowSeconds ??= up ? 0 : 300;
  r.selectPolicy ??= 'Max';
  r.policies ??= up
    ? [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ]
    : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  return r;
}

export const hpaV2Kind = defineKind({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  shortNames: ['hpa'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V2HorizontalPodAutoscaler',
  printerColumns: columns(),
  defaults: (hpa) => {
    const spec = (hpa.spec ??= {});
    spec.minReplicas ??= 1;
    if (!spec.metrics || spec.metrics.length === 0) {
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    }
    if (spec.behavior) {
      spec.behavior.scaleUp = defaultRules(spec.behavior.scaleUp, true);
      spec.behavior.scaleDown = defaultRules(spec.behavior.scaleDown, false);
    }
  },
  prepareForCreate: (hpa) => {
    hpa.status = { currentMetrics: null, desiredReplicas: 0 };
  },
  validate: (hpa) => {
    const spec: HpaSpecCommon & { metrics?: Partial<MetricSpec>[] } = hpa.spec ?? {};
    const errs = validateCommon(spec);
    (spec.metrics ?? []).forEach((m, i) => {
      errs.push(
        ...oneOf(child(`spec.metrics[${i}]`, 'type'), m.type ?? '', ['ContainerResource', 'External', 'Object', 'Pods', 'Resource']),
      );
    });
    return errs;
  },
});

export const hpaV1Kind = defineKind({
  // autoscaling/v2 is the storage version; v1 reads and writes through conversion.
  storage: { toStored: (o) => hpaV1ToV2(o), fromStored: (o) => hpaV2ToV1(o) },
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  shortNames: ['hpa'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V1HorizontalPodAutoscaler',
  printerColumns: columns(),
  defaults: (hpa) => {
    const spec = (hpa.spec ??= {});
    spec.minReplicas ??= 1;
    // v1 objects without a target get the 80% CPU default on their way to storage.
    if (spec.targetCPUUtilizationPercentage === undefined && !spec.metrics) spec.targetCPUUtilizationPercentage = 80;
  },
  prepareForCreate: (hpa) => {
    hpa.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  validate: (hpa) => {
    const spec: HpaSpecCommon & { targetCPUUtilizationPercentage?: number } = hpa.spec ?? {};
    const errs = validateCommon(spec);
    const t = spec.targetCPUUtilizationPercentage;
    if (t !== undefined && t < 1) errs.push(invalid('spec.targetCPUUtilizationPercentage', t, 'must be greater than or equal to 1'));
    return errs;
  },
});

/** Converts an autoscaling/v1 HPA to the v2 shape (the CPU target becomes a Resource metric). */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const { targetCPUUtilizationPercentage: target, ...spec } = v1.spec ?? {};
  const { currentCPUUtilizationPercentage: current, ...status } = v1.status ?? {};
  const out: KubeObject = { ...v1, apiVersion: 'autoscaling/v2', spec: { ...spec } };
  if (target !== undefined)
    out.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
  if (v1.status) {
    out.status = { ...status };
    if (current !== undefined)
      out.status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }];
  }
  return out;
}

/** Converts a v2 HPA to autoscaling/v1: only the CPU utilization target survives. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const { metrics, behavior, ...spec } = v2.spec ?? {};
  const list: MetricSpec[] = metrics ?? [];
  const cpu = list.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization');
  const out: KubeObject = { ...v2, apiVersion: 'autoscaling/v1', spec: { ...spec } };
  if (cpu) out.spec.targetCPUUtilizationPercentage = cpu.resource?.target?.averageUtilization;
  if (v2.status) {
    const { currentMetrics, conditions, ...status } = v2.status;
    const statuses: MetricStatus[] = currentMetrics ?? [];
    const cur = statuses.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    out.status = { currentReplicas: 0, desiredReplicas: 0, ...status };
    if (cur?.resource?.current?.averageUtilization !== undefined)
      out.status.currentCPUUtilizationPercentage = cur.resource.current.averageUtilization;
  }
  return out;
}
