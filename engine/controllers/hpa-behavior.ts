// The HPA's spec.behavior: stabilization windows over past recommendations and the scale-up /
// scale-down rate policies over past scale events, then min/max clamping with the
// ScalingLimited reasons kubectl describe shows. Pure functions over a small per-HPA history.

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: { type: 'Pods' | 'Percent'; value: number; periodSeconds: number }[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** Per-HPA memory the controller keeps between syncs. */
export interface ScaleHistory {
  recommendations: { at: number; replicas: number }[];
  upEvents: { at: number; change: number }[];
  downEvents: { at: number; change: number }[];
}

/** spec.behavior as written (every field optional; behaviorOf fills upstream's defaults). */
export interface BehaviorSpec {
  scaleUp?: Partial<ScalingRules>;
  scaleDown?: Partial<ScalingRules>;
}

export const emptyHistory = (): ScaleHistory => ({ recommendations: [], upEvents: [], downEvents: [] });

/** Upstream defaults: up at once by 4 pods or 100% per 15 s; down after a 300 s window, 100% per 15 s. */
export function behaviorOf(spec: { behavior?: BehaviorSpec } | undefined): Behavior {
  const b = spec?.behavior ?? {};
  const rules = (r: Partial<ScalingRules> | undefined, up: boolean): ScalingRules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? (up ? 0 : 300),
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies:
      r?.policies ??
      (up
        ? [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ]
        : [{ type: 'Percent', value: 100, periodSeconds: 15 }]),
  });
  return { scaleUp: rules(b.scaleUp, true), scaleDown: rules(b.scaleDown, false) };
}

export interface Normalized {
  replicas: number;
  /** ScalingLimited condition: status True when the recommendation was cut. */
  limited: { status: 'True' | 'False'; reason: string; message: string };
}

const changeWithin = (events: { at: number; change: number }[], periodSeconds: number, now: number) =>
  events.filter((e) => e.at > now - periodSeconds * 1000).reduce((s, e) => s + e.change, 0);

/** Highest count the rules allow now (scale up). */
function scaleUpLimit(current: number, h: ScaleHistory, rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeWithin(h.upEvents, p.periodSeconds, now) + changeWithin(h.downEvents, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/** Lowest count the rules allow now (scale down). */
function scaleDownLimit(current: number, h: ScaleHistory, rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  // "Max" means the biggest change, i.e. the lowest count.
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current + changeWithin(h.downEvents, p.periodSeconds, now) - changeWithin(h.upEvents, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.ceil(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/**
 * Stabilizes `desired` against recent recommendations (up: the lowest in the up window; down:
 * the highest in the down window), then applies rate policies and min/max. Records the
 * recommendation in `h`.
 */
export function normalizeReplicas(
  h: ScaleHistory,
  behavior: Behavior,
  current: number,
  desired: number,
  min: number,
  max: number,
  now: number,
): Normalized {
  const upWindow = behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downWindow = behavior.scaleDown.stabilizationWindowSeconds * 1000;
  let upMin = desired;
  let downMax = desired;
  for (const r of h.recommendations) {
    if (r.at > now - upWindow) upMin = Math.min(upMin, r.replicas);
    if (r.at > now - downWindow) downMax = Math.max(downMax, r.replicas);
  }
  const keep = Math.max(upWindow, downWindow);
  h.recommendations = h.recommendations.filter((r) => r.at > now - keep);
  h.recommendations.push({ at: now, replicas: desired });
  let stabilized = current;
  if (stabilized < upMin) stabilized = upMin;
  if (stabilized > downMax) stabilized = downMax;

  if (stabilized > current) {
    const limit = Math.max(current, scaleUpLimit(current, h, behavior.scaleUp, now));
    const [cap, reason, message] =
      limit < max
        ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
        : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    if (stabilized > cap) return { replicas: cap, limited: { status: 'True', reason, message } };
  } else if (stabilized < current) {
    const limit = Math.min(current, scaleDownLimit(current, h, behavior.scaleDown, now));
    const [floor, reason, message] =
      limit > min
        ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
        : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    if (stabilized < floor) return { replicas: floor, limited: { status: 'True', reason, message } };
  }
  if (stabilized > max)
    return {
      replicas: max,
      limited: { status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' },
    };
  if (stabilized < min)
    return {
      replicas: min,
      limited: { status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' },
    };
  return {
    replicas: stabilized,
    limited: { status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
  };
}

/** Records a rescale so later rate limits count it; forgets events older than any policy period. */
export function recordScale(h: ScaleHistory, behavior: Behavior, from: number, to: number, now: number): void {
  const longest = Math.max(0, ...[...behavior.scaleUp.policies, ...behavior.scaleDown.policies].map((p) => p.periodSeconds)) * 1000;
  h.upEvents = h.upEvents.filter((e) => e.at > now - longest);
  h.downEvents = h.downEvents.filter((e) => e.at > now - longest);
  if (to > from) h.upEvents.push({ at: now, change: to - from });
  if (to < from) h.downEvents.push({ at: now, change: from - to });
}
