// The filter plugins, in kube-scheduler's order. Each looks at one node through the cache and
// the pod's precomputed context, and returns why the pod does not fit (or nothing when it does).
// "Unresolvable" failures are those that evicting pods cannot fix (preemption skips the node).
import type { NodeInfo, Taint } from './node-cache';
import type { PodContext } from './pod-context';
import { toleratedBy } from '../apimachinery/tolerations';
import { spreadViolation } from './topology-spread';

export interface FilterFailure {
  reasons: string[];
  unresolvable: boolean;
}

const fail = (reason: string, unresolvable: boolean): FilterFailure => ({ reasons: [reason], unresolvable });

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function nodeUnschedulable(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  if (n.unschedulable && !toleratedBy(ctx.tolerations, UNSCHEDULABLE_TAINT)) return fail('node(s) were unschedulable', true);
  return undefined;
}

export function taintToleration(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  if (!n.taints.length) return undefined;
  for (const t of n.taints) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!toleratedBy(ctx.tolerations, t)) return fail(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`, true);
  }
  return undefined;
}

export function nodeAffinity(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  if (!ctx.hasNodeMatch) return undefined;
  if (!ctx.nodeMatch(n)) return fail("node(s) didn't match Pod's node affinity/selector", true);
  return undefined;
}

export function nodePorts(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  if (!ctx.ports.length) return undefined;
  for (const k of ctx.ports) {
    if (portInUse(n.ports, k)) return fail("node(s) didn't have free ports for the requested pod ports", false);
  }
  return undefined;
}

/** A wildcard host IP (0.0.0.0) conflicts with every IP on the same protocol and port. */
function portInUse(used: Map<string, number>, key: string): boolean {
  if (used.size === 0) return false;
  if (used.has(key)) return true;
  const [protocol, ip, port] = key.split('/');
  if (ip === '0.0.0.0') {
    for (const k of used.keys()) {
      const [p2, , port2] = k.split('/');
      if (p2 === protocol && port2 === port) return true;
    }
    return false;
  }
  return used.has(`${protocol}/0.0.0.0/${port}`);
}

// Hot path (runs for hundreds of nodes per pod): plain loops, no closures or allocation on success.
export function resourcesFit(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  let reasons: string[] | undefined;
  const extra = ctx.nominated?.(n.name);
  if (n.podCount + (extra?.pods ?? 0) + 1 > n.allocPods) (reasons ??= []).push('Too many pods');
  const names = ctx.requestNames;
  for (let i = 0; i < names.length; i++) {
    const r = names[i];
    const used = r === 'cpu' ? n.reqCpu : r === 'memory' ? n.reqMemory : (n.requested[r] ?? 0);
    const alloc = r === 'cpu' ? n.allocCpu : r === 'memory' ? n.allocMemory : (n.allocatable[r] ?? 0);
    if (used + (extra?.[r] ?? 0) + ctx.requests[r] > alloc) (reasons ??= []).push(`Insufficient ${r}`);
  }
  return reasons ? { reasons, unresolvable: false } : undefined;
}

export function interPodAffinity(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  if (!ctx.hasInterPodRules) return undefined;
  for (const key of ctx.existingAntiForbidden) {
    const [tk, v] = key.split('\0');
    if (n.labels[tk] === v) return fail("node(s) didn't satisfy existing pods anti-affinity rules", false);
  }
  const terms = ctx.affinity;
  for (let i = 0; i < terms.antiAffinity.length; i++) {
    const v = n.labels[terms.antiAffinity[i].topologyKey];
    if (v !== undefined && (ctx.antiAffinityCounts[i].get(v) ?? 0) > 0) return fail("node(s) didn't match pod anti-affinity rules", false);
  }
  if (terms.affinity.length) {
    for (let i = 0; i < terms.affinity.length; i++) {
      const v = n.labels[terms.affinity[i].topologyKey];
      if (v === undefined) return fail("node(s) didn't match pod affinity rules", true);
      if (!ctx.affinitySelfSatisfied && !((ctx.affinityCounts[i].get(v) ?? 0) > 0))
        return fail("node(s) didn't match pod affinity rules", true);
    }
  }
  return undefined;
}

export function podTopologySpread(ctx: PodContext, n: NodeInfo): FilterFailure | undefined {
  const v = spreadViolation(ctx.spread, n);
  return v ? fail(v.reason, v.unresolvable) : undefined;
}

export const FILTERS = [nodeUnschedulable, taintToleration, nodeAffinity, nodePorts, resourcesFit, podTopologySpread, interPodAffinity];

type Filter = (ctx: PodContext, n: NodeInfo) => FilterFailure | undefined;

/** The filters that can fail for this pod (a plain pod skips ports, node and pod affinity). */
export function activeFilters(ctx: PodContext): Filter[] {
  return FILTERS.filter(
    (f) =>
      (f !== nodePorts || ctx.ports.length > 0) &&
      (f !== nodeAffinity || ctx.hasNodeMatch) &&
      (f !== interPodAffinity || ctx.hasInterPodRules) &&
      (f !== podTopologySpread || ctx.spread.length > 0),
  );
}

/** Runs the filters in order; the first failing plugin's reasons are the node's reasons. */
export function runFilters(ctx: PodContext, n: NodeInfo, filters: Filter[] = FILTERS): FilterFailure | undefined {
  for (let i = 0; i < filters.length; i++) {
    const r = filters[i](ctx, n);
    if (r) return r;
  }
  return undefined;
}
