// The HPA's replica arithmetic for Resource metrics (cpu, memory; Utilization and
// AverageValue), following the upstream replica calculator: pending and (for cpu) unready pods
// don't count when scaling up, pods without metrics are assumed busy when scaling down and idle
// when scaling up, and nothing changes within the 10% tolerance.
import { isPodReady } from './util/pod-predicates';
import type { KubeObject } from '../kinds/types';
import { parseQuantity } from '../apimachinery/quantity';
import { formatNanos } from '../apimachinery/quantity-format';
import type { MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, ResourceMetricSource } from '../apimachinery/autoscaling-types';

export const TOLERANCE = 0.1;

/** Usage per pod name (cpu in cores, memory in bytes). */
export type PodUsage = Map<string, number>;

export interface ResourceResult {
  replicas: number;
  /** The metric's entry for status.currentMetrics. */
  status: MetricStatus;
  /** "cpu resource utilization (percentage of request)" / "memory resource". */
  description: string;
}

export class MetricError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A pod's request of `resource` (sum over app containers); throws when a container has none. */
function podRequest(pod: KubeObject, resource: string, container?: string): number {
  let sum = 0;
  for (const c of pod.spec?.containers ?? []) {
    if (container !== undefined && c.name !== container) continue;
    const q = parseQuantity(c.resources?.requests?.[resource]);
    if (q === null)
      throw new MetricError(
        'FailedGetResourceMetric',
        `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`,
      );
    sum += q;
  }
  return sum;
}

/** Formats a per-pod average the way the HPA status does (cpu in milli-units, memory as bytes). */
function averageValue(resource: string, v: number): string {
  if (resource === 'cpu') return formatNanos(Math.round(v * 1000) * 1e6);
  return String(Math.round(v));
}

/**
 * Desired replicas for one Resource or ContainerResource metric. `pods` are the target's pods
 * (from the selector), `usage` has a value for each pod the metrics source reports (for a
 * ContainerResource metric, that container's usage).
 */
export function resourceReplicas(metric: MetricSpec, current: number, pods: KubeObject[], usage: PodUsage): ResourceResult {
  const source: Partial<ResourceMetricSource> = (metric.type === 'ContainerResource' ? metric.containerResource : metric.resource) ?? {};
  const container = metric.type === 'ContainerResource' ? source.container : undefined;
  const resource = source.name ?? '';
  const target: MetricTarget = source.target ?? {};
  const utilization = target.type === 'Utilization' || (target.type === undefined && target.averageUtilization !== undefined);
  const what = container === undefined ? 'resource' : 'container resource';
  const description = utilization ? `${resource} ${what} utilization (percentage of request)` : `${resource} ${what}`;

  const counted: KubeObject[] = [];
  const unready: KubeObject[] = [];
  const missing: KubeObject[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') continue;
    if (pod.status?.phase === 'Pending' || pod.status?.phase === undefined) unready.push(pod);
    else if (!usage.has(pod.metadata.name!)) missing.push(pod);
    else if (resource === 'cpu' && !isPodReady(pod)) unready.push(pod);
    else counted.push(pod);
  }
  if (counted.length === 0) {
    throw new MetricError(
      'FailedGetResourceMetric',
      `failed to get ${resource} utilization: did not receive metrics for targeted pods (pods might be unready)`,
    );
  }

  // Per pod: what it uses, and what "on target" would be (a share of its request, or the value).
  const targetValue = utilization ? 0 : (parseQuantity(target.averageValue) ?? 0);
  if (!utilization && !(targetValue > 0)) throw new MetricError('FailedGetResourceMetric', `invalid target value for ${resource}`);
  const requests = new Map<string, number>();
  if (utilization) for (const p of [...counted, ...missing, ...unready]) requests.set(p.metadata.name!, podRequest(p, resource, container));
  const onTarget = (p: KubeObject) =>
    utilization ? requests.get(p.metadata.name!)! * ((target.averageUtilization ?? 0) / 100) : targetValue;
  const full = (p: KubeObject) => (utilization ? requests.get(p.metadata.name!)! : targetValue);

  const used = counted.reduce((s, p) => s + usage.get(p.metadata.name!)!, 0);
  const wanted = counted.reduce((s, p) => s + onTarget(p), 0);
  if (utilization && wanted === 0) throw new MetricError('FailedGetResourceMetric', `failed to get ${resource} utilization: no requests`);
  const ratio = used / wanted;

  const now: MetricValueStatus = {};
  const status: MetricStatus =
    container === undefined
      ? { type: 'Resource', resource: { name: resource, current: now } }
      : { type: 'ContainerResource', containerResource: { name: resource, container, current: now } };
  if (utilization) {
    const requested = counted.reduce((s, p) => s + full(p), 0);
    now.averageUtilization = Math.floor((used * 100) / requested);
  }
  now.averageValue = averageValue(resource, used / counted.length);

  const scaleUpWithUnready = unready.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: current, status, description };
    return { replicas: Math.ceil(ratio * counted.length), status, description };
  }
  // Fill the gaps: missing pods count as fully busy when scaling down and idle when scaling up;
  // unready pods as idle when scaling up.
  let newUsed = used;
  let newWanted = wanted;
  for (const p of missing) {
    if (ratio < 1) newUsed += full(p);
    newWanted += onTarget(p);
  }
  if (scaleUpWithUnready) for (const p of unready) newWanted += onTarget(p);
  const newRatio = newUsed / newWanted;
  const count = counted.length + missing.length + (scaleUpWithUnready ? unready.length : 0);
  if (Math.abs(1 - newRatio) <= TOLERANCE || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
    return { replicas: current, status, description };
  }
  const replicas = Math.ceil(newRatio * count);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return { replicas: current, status, description };
  return { replicas, status, description };
}
