// The RBAC authorizer (upstream's plugin/pkg/auth/authorizer/rbac): a request is allowed when a
// rule of a role bound to the user — cluster-wide by ClusterRoleBindings, in the request's
// namespace by RoleBindings there — matches it. Members of system:masters are allowed before
// RBAC is asked, as kube-apiserver's privileged-group authorizer does. The rules that apply to
// a user in a namespace are derived once per RBAC change and reused, and so are the decisions
// made over them.
import type { UserInfo } from '../../apimachinery/user-info';
import type { Attributes } from './request-info';
import type { RbacCache, RbacView } from './rbac-cache';
import { ruleAllows, type PolicyRule } from './rules';
import type { BindingObject, Subject } from './rbac-types';

export const PRIVILEGED_GROUP = 'system:masters';

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface SourcedRule {
  rule: PolicyRule;
  /** e.g. `ClusterRoleBinding "x" of ClusterRole "y" to Group "z"` */
  source: string;
}

export interface ResolvedRules {
  rules: SourcedRule[];
  /** Bindings whose role is missing (upstream reports them as resolution errors). */
  errors: string[];
  /** Decisions already made over these rules, by request attributes. */
  decisions?: Map<string, Decision>;
}

export interface RbacAuthorizer {
  authorize(a: Attributes): Promise<Decision>;
  /** Every rule that applies to `user` in `namespace` ('' = cluster-wide rules only). */
  rulesFor(user: UserInfo, namespace: string): Promise<ResolvedRules>;
}

const MAX_CACHED = 2000;
const MAX_DECISIONS = 500;

export function createRbacAuthorizer(cache: RbacCache): RbacAuthorizer {
  let cachedGeneration = -1;
  const resolved = new Map<string, ResolvedRules>();

  function resolve(view: RbacView, user: UserInfo, namespace: string): ResolvedRules {
    if (view.generation !== cachedGeneration) {
      resolved.clear();
      cachedGeneration = view.generation;
    }
    const key = `${user.user}\0${user.groups.join('\0')}\0\0${namespace}`;
    let r = resolved.get(key);
    if (!r) {
      if (resolved.size >= MAX_CACHED) resolved.clear();
      resolved.set(key, (r = computeRules(view, user, namespace)));
    }
    return r;
  }

  return {
    async authorize(a) {
      if (a.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
      const resolved = resolve(await cache.view(), a.user, a.resourceRequest ? a.namespace : '');
      const key = a.resourceRequest ? `${a.verb}\0${a.apiGroup}\0${a.resource}\0${a.subresource}\0${a.name}` : `${a.verb}\0\0${a.path}`;
      const decisions = (resolved.decisions ??= new Map<string, Decision>());
      let d = decisions.get(key);
      if (!d) {
        if (decisions.size >= MAX_DECISIONS) decisions.clear();
        decisions.set(key, (d = decide(a, resolved)));
      }
      return d;
    },
    async rulesFor(user, namespace) {
      return resolve(await cache.view(), user, namespace);
    },
  };
}

function decide(a: Attributes, { rules, errors }: ResolvedRules): Decision {
  for (const r of rules) if (ruleAllows(a, r.rule)) return { allowed: true, reason: `RBAC: allowed by ${r.source}` };
  return { allowed: false, reason: errors.length ? `RBAC: ${errors.join(', ')}` : '' };
}

function computeRules(view: RbacView, user: UserInfo, namespace: string): ResolvedRules {
  const out: ResolvedRules = { rules: [], errors: [] };
  const add = (binding: BindingObject, bindingKind: string, bindingNamespace: string) => {
    const subject = appliesTo(user, binding.subjects, bindingNamespace);
    if (!subject) return;
    const ref = binding.roleRef ?? {};
    const refName = ref.name ?? '';
    const role = ref.kind === 'Role' ? view.roles.get(`${bindingNamespace}/${refName}`) : view.clusterRoles.get(refName);
    if (!role) {
      out.errors.push(`${ref.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io "${refName}" not found`);
      return;
    }
    const where = bindingNamespace
      ? `${bindingKind} "${binding.metadata.name}/${bindingNamespace}"`
      : `${bindingKind} "${binding.metadata.name}"`;
    const source = `${where} of ${ref.kind} "${refName}" to ${subject}`;
    for (const rule of role.rules ?? []) out.rules.push({ rule, source });
  };
  for (const b of view.clusterRoleBindings) add(b, 'ClusterRoleBinding', '');
  if (namespace) for (const b of view.roleBindings.get(namespace) ?? []) add(b, 'RoleBinding', namespace);
  return out;
}

/** The subject (as upstream describes it) through which a binding applies to the user, if any. */
function appliesTo(user: UserInfo, subjects: Subject[] | undefined, bindingNamespace: string): string | undefined {
  for (const s of subjects ?? []) {
    const name = s.name ?? '';
    if (s.kind === 'User' && name === user.user) return `User "${name}"`;
    if (s.kind === 'Group' && user.groups.includes(name)) return `Group "${name}"`;
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace || bindingNamespace;
      if (ns && user.user === `system:serviceaccount:${ns}:${name}`) return `ServiceAccount "${name}/${ns}"`;
    }
  }
  return undefined;
}
