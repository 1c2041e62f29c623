// Creates the bootstrap policy, and on every start brings existing clusters up to it the way
// upstream's `auth reconcile` does for roles marked rbac.authorization.kubernetes.io/autoupdate:
// missing rules, labels, annotations and subjects are added; nothing a user added is removed.
// Aggregated roles keep their rules (the aggregation controller owns them). The roles of Skiff's
// own components are the exception: their rules are set to what this version grants, so an
// upgrade narrows a component that used to hold more (the controller manager before each
// controller had its own ServiceAccount).
import type { KindDef, KubeObject } from '../../kinds/types';
import type { Resources } from '../resource-store';
import { ApiError } from '../status';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy';
import { componentClusterRoleBindings, componentClusterRoles } from './component-policy';
import { controllerRoles } from './controller-policy';
import { covers } from './rules';
import { asBinding, asRole } from './rbac-types';

export async function reconcileBootstrapPolicy(deps: {
  resources: Resources;
  clusterRoles: KindDef;
  clusterRoleBindings: KindDef;
  roles: KindDef;
  roleBindings: KindDef;
}) {
  const components = componentClusterRoles();
  const owned = new Set(components.map((r) => r.metadata.name));
  const namespaced = controllerRoles();
  const roles = [
    ...[...bootstrapClusterRoles(), ...components].map((r) => [deps.clusterRoles, r] as const),
    ...namespaced.roles.map((r) => [deps.roles, r] as const),
  ];
  // All at once: the store commits the writes queued in one turn as one transaction (one fsync
  // instead of one per object, most of a cold start's bootstrap), each with its own revision.
  const ensureRoles = roles.map(([def, want]) =>
    ensure(deps.resources, def, want, (cur) => {
      const next = mergeMeta(cur, want);
      const [have, need] = [asRole(cur), asRole(want)];
      if (owned.has(want.metadata.name)) next.rules = need.rules ?? [];
      else if (need.aggregationRule) {
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
    }),
  );
  const bindings = [
    ...[...bootstrapClusterRoleBindings(), ...componentClusterRoleBindings()].map((b) => [deps.clusterRoleBindings, b] as const),
    ...namespaced.bindings.map((b) => [deps.roleBindings, b] as const),
  ];
  const ensureBindings = bindings.map(([def, want]) =>
    ensure(deps.resources, def, want, (cur) => {
      const next = mergeMeta(cur, want);
      const subjects = [...(asBinding(cur).subjects ?? [])];
      for (const s of asBinding(want).subjects ?? []) if (!subjects.some((x) => x.kind === s.kind && x.name === s.name)) subjects.push(s);
      next.subjects = subjects;
      return next;
    }),
  );
  await Promise.all([...ensureRoles, ...ensureBindings]);
}

// Read first: on every start after the first the objects exist, and a create that ends in 409
// goes through admission and validation for nothing (most of a warm start's bootstrap).
async function ensure(resources: Resources, def: KindDef, want: KubeObject, merge: (cur: KubeObject) => KubeObject) {
  const name = want.metadata.name!;
  const ns = want.metadata.namespace;
  let cur = await resources.get(def, ns, name).catch((e) => {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  });
  if (!cur) {
    try {
      await resources.create(def, ns, structuredClone(want));
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
    cur = await resources.get(def, ns, name);
  }
  if (cur.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] === 'false') return;
  const next = merge(structuredClone(cur));
  if (JSON.stringify(next) === JSON.stringify(cur)) return;
  await resources.update(def, ns, name, next);
}

function mergeMeta(cur: KubeObject, want: KubeObject): KubeObject {
  const next = structuredClone(cur);
  next.metadata.labels = { ...want.metadata.labels, ...cur.metadata.labels };
  next.metadata.annotations = { ...want.metadata.annotations, ...cur.metadata.annotations };
  return next;
}
