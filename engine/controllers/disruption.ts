// Disruption controller: keeps PodDisruptionBudget status current — expectedPods,
// currentHealthy (selected pods that are Ready and not terminating), desiredHealthy from
// minAvailable/maxUnavailable (integers or percentages of the owning controllers' scale),
// disruptionsAllowed and the DisruptionAllowed condition. The eviction API reads it.
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import { isPodReady } from './util/pod-predicates';
import type { Controller, ControllerDeps } from './types';
import type { OwnerReference } from '../kinds/types';
import type { Condition } from '../apimachinery/workload-types';

/** The budget a PodDisruptionBudget's spec sets. */
interface BudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

/** The PodDisruptionBudget status this controller writes. */
interface BudgetStatus extends Partial<BudgetNumbers> {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  conditions?: Condition[];
}

/** An intOrString against a total: "50%" rounds up, as upstream does for both fields. */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return Number(v) || 0;
}

export interface BudgetNumbers {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/**
 * Budget arithmetic; `scale` is the sum of the owning controllers' desired replicas. Pods named in
 * `disrupted` (evicted, deletion not yet seen) no longer count as healthy.
 */
export function computeBudget(
  spec: BudgetSpec,
  pods: KubeObject[],
  scale: () => number,
  disrupted: Record<string, unknown> = {},
): BudgetNumbers {
  const live = pods.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase));
  const currentHealthy = live.filter(
    (p) => !p.metadata.deletionTimestamp && isPodReady(p) && !Object.hasOwn(disrupted, p.metadata.name!),
  ).length;
  let expectedPods: number;
  let desiredHealthy: number;
  if (spec.maxUnavailable !== undefined) {
    expectedPods = scale();
    desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods));
  } else if (typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%')) {
    expectedPods = scale();
    desiredHealthy = scaledValue(spec.minAvailable, expectedPods);
  } else {
    expectedPods = live.length;
    desiredHealthy = spec.minAvailable === undefined ? 0 : scaledValue(spec.minAvailable, expectedPods);
  }
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed };
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createDisruptionController(deps: ControllerDeps): Controller {
  const { client, informers, log, now } = deps;
  const pdbs = informers.informer(R.pdbs);
  const pods = informers.informer(R.pods);
  const replicasets = informers.informer(R.replicasets);
  const deployments = informers.informer(R.deployments);
  const statefulsets = informers.informer(R.statefulsets);
  const rcs = informers.informer(R.replicationcontrollers);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`disruption ${k}: ${(e as Error).message}`) });

  /** Desired replicas of the controllers owning these pods (a pod without a controller counts as 1). */
  function scaleOf(selected: KubeObject[]): number {
    const seen = new Map<string, number>();
    for (const p of selected) {
      const ref = (p.metadata.ownerReferences ?? []).find((o: OwnerReference) => o.controller);
      const ns = p.metadata.namespace;
      if (!ref) {
        seen.set(`pod/${p.metadata.uid}`, 1);
        continue;
      }
      let key = `${ref.kind}/${ref.name}`;
      let replicas: number | undefined;
      if (ref.kind === 'ReplicaSet') {
        const rs = replicasets.get(ns, ref.name);
        const dref = (rs?.metadata.ownerReferences ?? []).find((o: OwnerReference) => o.controller && o.kind === 'Deployment');
        const d = dref && deployments.get(ns, dref.name);
        if (d) [key, replicas] = [`Deployment/${d.metadata.name}`, d.spec?.replicas ?? 1];
        else replicas = rs?.spec?.replicas;
      } else if (ref.kind === 'StatefulSet') replicas = statefulsets.get(ns, ref.name)?.spec?.replicas;
      else if (ref.kind === 'ReplicationController') replicas = rcs.get(ns, ref.name)?.spec?.replicas;
      if (!seen.has(key)) seen.set(key, replicas ?? 1);
    }
    let total = 0;
    for (const v of seen.values()) total += v;
    return total;
  }

  async function sync(key: string) {
    const { ns, name } = splitKey(key);
    const pdb = pdbs.get(ns, name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const sel = labelSelectorFromObject(pdb.spec?.selector ?? null);
    const selected = pods.list().filter((p) => p.metadata.namespace === ns && sel.matches(p.metadata.labels ?? {}));
    const old: BudgetStatus = pdb.status ?? {};
    // Evictions the API server recorded: kept until the pod is deleted, or for 2 minutes (as upstream).
    const disrupted: Record<string, string> = {};
    for (const [pod, at] of Object.entries(old.disruptedPods ?? {})) {
      const p = pods.get(ns, pod);
      if (p && !p.metadata.deletionTimestamp && now().getTime() - Date.parse(at) < 120_000) disrupted[pod] = at;
    }
    const b = computeBudget(pdb.spec ?? {}, selected, () => scaleOf(selected), disrupted);
    const allowed = b.disruptionsAllowed > 0;
    const oldCond = (old.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
    const status = allowed ? 'True' : 'False';
    const condition: Condition = {
      type: 'DisruptionAllowed',
      status,
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: pdb.metadata.generation,
      lastTransitionTime: oldCond?.status === status ? oldCond.lastTransitionTime : rfc3339(now()),
    };
    const next: BudgetStatus = { ...old, ...b, observedGeneration: pdb.metadata.generation, conditions: [condition] };
    if (Object.keys(disrupted).length) next.disruptedPods = disrupted;
    else delete next.disruptedPods;
    if (Object.keys(disrupted).length) queue.addAfter(key, 30_000);
    if (JSON.stringify(next) === JSON.stringify({ ...old, conditions: old.conditions })) return;
    const updated = structuredClone(pdb);
    updated.status = next;
    await client.update(R.pdbs, ns, updated, { subresource: 'status' });
  }

  function enqueueFor(pod: KubeObject, ...labelSets: (Record<string, string> | undefined)[]) {
    for (const pdb of pdbs.list()) {
      if (pdb.metadata.namespace !== pod.metadata.namespace) continue;
      const sel = labelSelectorFromObject(pdb.spec?.selector ?? null);
      if (labelSets.some((l) => sel.matches(l ?? {}))) queue.add(`${pdb.metadata.namespace}/${pdb.metadata.name}`);
    }
  }

  return {
    name: 'disruption',
    start() {
      const k = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
      pdbs.addHandlers({ add: (p) => queue.add(k(p)), update: (_a, p) => queue.add(k(p)) });
      pods.addHandlers({
        add: (p) => enqueueFor(p, p.metadata.labels),
        update: (a, b) => enqueueFor(b, a.metadata.labels, b.metadata.labels),
        delete: (p) => enqueueFor(p, p.metadata.labels),
      });
      // Scale changes move expectedPods for percentage and maxUnavailable budgets.
      const all = () => pdbs.list().forEach((p) => queue.add(k(p)));
      for (const inf of [deployments, statefulsets, replicasets, rcs])
        inf.addHandlers({ update: (a, b) => a.spec?.replicas !== b.spec?.replicas && all() });
    },
    stop: () => queue.stop(),
  };
}
