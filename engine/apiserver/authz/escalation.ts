// Escalation prevention (upstream's RBAC registry strategies): through the API a Role or
// ClusterRole may grant only what its author holds (or the author has `escalate`), and a
// binding may reference only a role whose rights its author holds (or the author has `bind`).
// Runs as an admission step for requests made over HTTP; in-process components are trusted.
import type { KindDef, KubeObject } from '../../kinds/types';
import type { UserInfo } from '../../apimachinery/user-info';
import type { Admission } from '../resource-store';
import type { RbacAuthorizer } from './rbac-authorizer';
import { PRIVILEGED_GROUP } from './rbac-authorizer';
import type { RbacCache } from './rbac-cache';
import { covers, type PolicyRule } from './rules';
import { forbiddenFor } from './forbidden';
import { asBinding, asRole } from './rbac-types';

const RBAC = 'rbac.authorization.k8s.io';
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export function createEscalationAdmission(deps: {
  /** False while RBAC is off (benchmarks compare both): nothing is checked. */
  enabled(): boolean;
  authorizer: RbacAuthorizer;
  cache: RbacCache;
}): Admission {
  const { authorizer } = deps;
  const allowedVerb = async (user: UserInfo, verb: string, resource: string, namespace: string, name: string) =>
    (
      await authorizer.authorize({
        user,
        verb,
        resourceRequest: true,
        path: '',
        apiGroup: RBAC,
        apiVersion: 'v1',
        namespace,
        resource,
        subresource: '',
        name,
      })
    ).allowed;

  async function confirmNoEscalation(user: UserInfo, def: KindDef, obj: KubeObject, namespace: string, wanted: PolicyRule[]) {
    const owned = await authorizer.rulesFor(user, namespace);
    const { covered, missing } = covers(
      owned.rules.map((r) => r.rule),
      wanted,
    );
    if (covered) return;
    let msg = `user "${user.user}" (groups=[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]) is attempting to grant RBAC permissions not currently held:\n${missing.map(compact).join('\n')}`;
    if (owned.errors.length) msg += `; resolution errors: [${owned.errors.join(' ')}]`;
    throw forbiddenFor(RBAC, def.plural, obj.metadata.name ?? '', msg);
  }

  return {
    appliesTo: (def) => def.group === RBAC,
    async admit(def, obj, old, _dryRun, request) {
      if (def.group !== RBAC || !deps.enabled()) return;
      // The writer the request names; unchecked in-process writers (the composer) name none.
      const user = request?.user;
      if (!user || user.groups.includes(PRIVILEGED_GROUP)) return;
      if (old && !grantsChanged(def, obj, old)) return;
      const ns = def.namespaced ? (obj.metadata.namespace ?? '') : '';
      const name = obj.metadata.name ?? '';
      if (def.kind === 'Role' || def.kind === 'ClusterRole') {
        if (await allowedVerb(user, 'escalate', def.plural, ns, name)) return;
        // An aggregating ClusterRole can collect anything: only full authority may define one.
        const role = asRole(obj);
        const aggregates = def.kind === 'ClusterRole' && (role.aggregationRule?.clusterRoleSelectors?.length ?? 0) > 0;
        return confirmNoEscalation(user, def, obj, ns, aggregates ? FULL_AUTHORITY : (role.rules ?? []));
      }
      if (def.kind === 'RoleBinding' || def.kind === 'ClusterRoleBinding') {
        const ref = asBinding(obj).roleRef ?? {};
        const refName = ref.name ?? '';
        const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
        if (await allowedVerb(user, 'bind', roleResource, ns, refName)) return;
        const view = await deps.cache.view();
        const role = ref.kind === 'Role' ? view.roles.get(`${ns}/${refName}`) : view.clusterRoles.get(refName);
        if (!role) {
          throw forbiddenFor(
            RBAC,
            def.plural,
            name,
            `${ref.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io "${refName}" not found`,
          );
        }
        return confirmNoEscalation(user, def, obj, ns, role.rules ?? []);
      }
    },
  };
}

/** Whether an update changes what the object grants (rules, aggregation labels, subjects). */
function grantsChanged(def: KindDef, obj: KubeObject, old: KubeObject): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (def.kind === 'Role' || def.kind === 'ClusterRole') {
    return (
      !same(obj.rules, old.rules) || !same(obj.aggregationRule, old.aggregationRule) || !same(obj.metadata.labels, old.metadata.labels)
    );
  }
  return !same(obj.subjects, old.subjects) || !same(obj.roleRef, old.roleRef);
}

/** A rule as upstream's CompactString prints it: {APIGroups:[""], Resources:["pods"], Verbs:["get"]}. */
function compact(r: PolicyRule): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${list(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${list(r.resources)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${list(r.resourceNames)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${list(r.nonResourceURLs)}`);
  if (r.verbs?.length) parts.push(`Verbs:${list(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
