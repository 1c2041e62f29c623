// ClusterRole aggregation (upstream's clusterrole-aggregation controller): a ClusterRole with an
// aggregationRule gets, as its rules, the rules of every other ClusterRole its selectors match
// (in name order, duplicates once) — how `rbac.authorization.k8s.io/aggregate-to-view` roles
// extend `view`, and view extends edit, edit admin.
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromObject, type LabelSelector } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';

export function createClusterRoleAggregationController(deps: ControllerDeps): Controller {
  const { client, informers, log } = deps;
  const roles = informers.informer(R.clusterroles);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`clusterrole-aggregation ${k}: ${(e as Error).message}`) });

  async function sync(name: string) {
    const role = roles.get(undefined, name);
    if (!role) return;
    const selectors = selectorsOf(role);
    if (!selectors.length) return;
    const rules: unknown[] = [];
    const seen = new Set<string>();
    const others = roles
      .list()
      .filter((r) => r.metadata.name !== name)
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    for (const sel of selectors) {
      // An empty selector selects every ClusterRole, as metav1.LabelSelectorAsSelector does.
      const matcher = labelSelectorFromObject(sel);
      for (const other of others) {
        if (!matcher.matches(other.metadata.labels)) continue;
        for (const rule of rulesOf(other)) {
          const key = JSON.stringify(rule);
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(rule);
        }
      }
    }
    if (JSON.stringify(rules) === JSON.stringify(rulesOf(role))) return;
    const next: KubeObject = structuredClone(role);
    next.rules = rules;
    await client.update(R.clusterroles, undefined, next).catch((e) => {
      if (!isStatus(e, 409)) throw e;
      queue.add(name);
    });
  }

  const enqueueAggregating = () => {
    for (const r of roles.list()) if (selectorsOf(r).length) queue.add(r.metadata.name!);
  };

  return {
    name: 'clusterrole-aggregation',
    start() {
      roles.addHandlers({ add: enqueueAggregating, update: enqueueAggregating, delete: enqueueAggregating });
    },
    stop: () => queue.stop(),
  };
}

// Stored ClusterRoles are plain JSON: read the two fields this controller needs defensively.
function selectorsOf(role: KubeObject): LabelSelector[] {
  const rule = role.aggregationRule as { clusterRoleSelectors?: unknown } | undefined;
  const list = rule?.clusterRoleSelectors;
  return Array.isArray(list) ? list.map((s) => (s && typeof s === 'object' ? (s as LabelSelector) : {})) : [];
}

function rulesOf(role: KubeObject): unknown[] {
  const rules: unknown = role.rules;
  return Array.isArray(rules) ? (rules as unknown[]) : [];
}
