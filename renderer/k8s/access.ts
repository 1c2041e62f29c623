// What the profile's identity may do, asked before an action is offered (issue 12): one
// SelfSubjectRulesReview per namespace answers every check in it (the batch), cached per
// profile and namespace; cluster-wide checks, and namespaces whose rules come back
// incomplete, ask a SelfSubjectAccessReview each (identical checks share one request).
// A server that answers neither (no authorization API, or a review refused) leaves the
// action offered: the server's own answer then says why.
import type { K8sClient } from './client';

export interface AccessQuery {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** '' for cluster-scoped objects and for all namespaces. */
  namespace: string;
  name?: string;
}

export interface Access {
  allowed: boolean;
  /** Why not, in words ("You lack delete on pods in namespace team (RBAC)"). */
  reason?: string;
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface AccessReviewer {
  check(q: AccessQuery): Promise<Access>;
  /** The cached answer, if any (for a first render without a flash of enabled buttons). */
  peek(q: AccessQuery): Access | undefined;
  /** Forgets every answer (a 403 showed the cache was wrong); listeners ask again. */
  invalidate(): void;
  onInvalidate(fn: () => void): () => void;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** Upstream's RuleAllows: verb, group, resource or resource/subresource (with "*" and "*\/sub"), resourceNames. */
export function ruleAllows(rule: ResourceRule, q: AccessQuery): boolean {
  if (!has(rule.verbs, q.verb) || !has(rule.apiGroups, q.group)) return false;
  const combined = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  const resOk = (rule.resources ?? []).some((r) => r === '*' || r === combined || (!!q.subresource && r === `*/${q.subresource}`));
  if (!resOk) return false;
  if (!rule.resourceNames?.length) return true;
  return !!q.name && rule.resourceNames.includes(q.name);
}

export function deniedReason(q: AccessQuery): string {
  const what = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  const where = q.namespace ? `in namespace ${q.namespace}` : 'cluster-wide';
  return `You lack ${q.verb} on ${what}${q.group ? ` (${q.group})` : ''} ${where} (RBAC)`;
}

const keyOf = (q: AccessQuery) => [q.verb, q.group, q.resource, q.subresource ?? '', q.namespace, q.name ?? ''].join('|');

interface Rules {
  rules: ResourceRule[];
  incomplete: boolean;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export function createAccessReviewer(deps: { client: K8sClient; ttlMs?: number; now?: () => number }): AccessReviewer {
  const { client } = deps;
  const ttl = deps.ttlMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const rules = new Map<string, Cached<Rules | undefined>>();
  const reviews = new Map<string, Cached<Access>>();
  const settled = new Map<string, Access>();
  const listeners = new Set<() => void>();

  function cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const c = map.get(key);
    if (c && now() - c.at < ttl) return c.value;
    const value = load();
    map.set(key, { at: now(), value });
    return value;
  }

  const rulesFor = (namespace: string) =>
    cached(rules, namespace, async () => {
      try {
        const r = await client.send<{ status?: { resourceRules?: ResourceRule[]; incomplete?: boolean } }>(
          'POST',
          '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
          { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
          { what: 'a rules review' },
        );
        return { rules: r.status?.resourceRules ?? [], incomplete: !!r.status?.incomplete };
      } catch {
        return undefined; // not served or refused: ask per check
      }
    });

  const review = (q: AccessQuery) =>
    cached(reviews, keyOf(q), async (): Promise<Access> => {
      try {
        const r = await client.send<{ status?: { allowed?: boolean; denied?: boolean; reason?: string } }>(
          'POST',
          '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: q.verb,
                group: q.group,
                resource: q.resource,
                ...(q.subresource ? { subresource: q.subresource } : {}),
                ...(q.namespace ? { namespace: q.namespace } : {}),
                ...(q.name ? { name: q.name } : {}),
              },
            },
          },
          { what: 'an access review' },
        );
        return r.status?.allowed ? { allowed: true } : { allowed: false, reason: deniedReason(q) };
      } catch {
        return { allowed: true }; // unknown: leave it to the server's answer
      }
    });

  async function decide(q: AccessQuery): Promise<Access> {
    if (q.namespace) {
      const r = await rulesFor(q.namespace);
      if (r && r.rules.some((rule) => ruleAllows(rule, q))) return { allowed: true };
      if (r && !r.incomplete) return { allowed: false, reason: deniedReason(q) };
    }
    return review(q);
  }

  return {
    async check(q) {
      const a = await decide(q);
      settled.set(keyOf(q), a);
      return a;
    },
    peek: (q) => settled.get(keyOf(q)),
    invalidate() {
      rules.clear();
      reviews.clear();
      settled.clear();
      for (const fn of [...listeners]) fn();
    },
    onInvalidate(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** The check for a verb on a kind (as its resource), optionally a subresource and one object. */
export function accessQuery(
  r: { group: string; name: string; namespaced?: boolean },
  verb: string,
  namespace: string,
  name?: string,
  subresource?: string,
): AccessQuery {
  return { verb, group: r.group, resource: r.name, namespace: r.namespaced === false ? '' : namespace, name, subresource };
}
