// ClusterRole aggregation (upstream's clusterrole-aggregation controller): a ClusterRole with an
// aggregationRule gets, as its rules, the rules of every other ClusterRole its selectors match
// (in name order, duplicates once) — how `rbac.authorization.k8s.io/aggregate-to-view` roles
// extend `view`, and view extends edit, edit admin.
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';

export function createClusterRoleAggregationController(deps: ControllerDeps): Controller {
  const { client, informers, log } = deps;
  const roles = informers.informer(R.clusterroles);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`clusterrole-aggregation ${k}: ${(e as Error).message}`) });

  async function sync(name: string) {
    const role = roles.get(undefined, name);
    const selectors: any[] = role?.aggregationRule?.clusterRoleSelectors ?? [];
    if (!role || !selectors.length) return;
    const rules: any[] = [];
    const seen = new Set<string>();
    const others = roles
      .list()
      .filter((r) => r.metadata.name !== name)
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    for (const sel of selectors) {
      // An empty selector selects every ClusterRole, as metav1.LabelSelectorAsSelector does.
      const matcher = labelSelectorFromObject(sel ?? {});
      for (const other of others) {
        if (!matcher.matches(other.metadata.labels)) continue;
        for (const rule of other.rules ?? []) {
          const key = JSON.stringify(rule);
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(rule);
        }
      }
    }
    if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return;
    const next: KubeObject = structuredClone(role);
    next.rules = rules;
    await client.update(R.clusterroles, undefined, next).catch((e) => {
      if (!isStatus(e, 409)) throw e;
      queue.add(name);
    });
  }

  const enqueueAggregating = () => {
    for (const r of roles.list()) if (r.aggregationRule?.clusterRoleSelectors?.length) queue.add(r.metadata.name!);
  };

  return {
    name: 'clusterrole-aggregation',
    start() {
      roles.addHandlers({ add: enqueueAggregating, update: enqueueAggregating, delete: enqueueAggregating });
    },
    stop: () => queue.stop(),
  };
}
