// Creates the bootstrap policy, and on every start brings existing clusters up to it the way
// upstream's `auth reconcile` does for roles marked rbac.authorization.kubernetes.io/autoupdate:
// missing rules, labels, annotations and subjects are added; nothing a user added is removed.
// Aggregated roles keep their rules (the aggregation controller owns them).
import type { KindDef, KubeObject } from '../../kinds/types';
import type { Resources } from '../resource-store';
import { ApiError } from '../status';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy';
import { componentClusterRoleBindings, componentClusterRoles } from './component-policy';
import { covers } from './rules';
import { asBinding, asRole } from './rbac-types';

export async function reconcileBootstrapPolicy(deps: { resources: Resources; clusterRoles: KindDef; clusterRoleBindings: KindDef }) {
  for (const want of [...bootstrapClusterRoles(), ...componentClusterRoles()]) {
    await ensure(deps.resources, deps.clusterRoles, want, (cur) => {
      const next = mergeMeta(cur, want);
      const [have, need] = [asRole(cur), asRole(want)];
      if (need.aggregationRule) {
        const selectors = [...(have.aggregationRule?.clusterRoleSelectors ?? [])];
        for (const s of need.aggregationRule.clusterRoleSelectors ?? []) {
          if (!selectors.some((x) => JSON.stringify(x) === JSON.stringify(s))) selectors.push(s);
        }
        next.aggregationRule = { clusterRoleSelectors: selectors };
      } else {
        const missing = (need.rules ?? []).filter((r) => !covers(have.rules ?? [], [r]).covered);
        next.rules = [...(have.rules ?? []), ...missing];
      }
      return next;
    });
  }
  for (const want of [...bootstrapClusterRoleBindings(), ...componentClusterRoleBindings()]) {
    await ensure(deps.resources, deps.clusterRoleBindings, want, (cur) => {
      const next = mergeMeta(cur, want);
      const subjects = [...(asBinding(cur).subjects ?? [])];
      for (const s of asBinding(want).subjects ?? []) if (!subjects.some((x) => x.kind === s.kind && x.name === s.name)) subjects.push(s);
      next.subjects = subjects;
      return next;
    });
  }
}

// Read first: on every start after the first the objects exist, and a create that ends in 409
// goes through admission and validation for nothing (most of a warm start's bootstrap).
async function ensure(resources: Resources, def: KindDef, want: KubeObject, merge: (cur: KubeObject) => KubeObject) {
  const name = want.metadata.name!;
  let cur = await resources.get(def, undefined, name).catch((e) => {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  });
  if (!cur) {
    try {
      await resources.create(def, undefined, structuredClone(want));
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
    cur = await resources.get(def, undefined, name);
  }
  if (cur.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] === 'false') return;
  const next = merge(structuredClone(cur));
  if (JSON.stringify(next) === JSON.stringify(cur)) return;
  await resources.update(def, undefined, name, next);
}

function mergeMeta(cur: KubeObject, want: KubeObject): KubeObject {
  const next = structuredClone(cur);
  next.metadata.labels = { ...want.metadata.labels, ...cur.metadata.labels };
  next.metadata.annotations = { ...want.metadata.annotations, ...cur.metadata.annotations };
  return next;
}
