// What the profile's identity may do, asked before an action is offered (issue 12): one
// SelfSubjectRulesReview per namespace answers every check in it (the batch), cached per
// profile and namespace; cluster-wide checks, and namespaces whose rules come back
// incomplete, ask a SelfSubjectAccessReview each (identical checks share one request).
// A server that answers neither (no authorization API, or a review refused) leaves the
// action offered: the server's own answer then says why.
import type { K8sClient } from './client';
import { parseForbidden, type K8sError } from './errors';

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
  /** `priority`: the fetch priority of a request this check makes ('low' for checks nobody waits on). */
  check(q: AccessQuery, priority?: RequestPriority): Promise<Access>;
  /** The cached answer, if any (for a first render without a flash of enabled buttons). */
  peek(q: AccessQuery): Access | undefined;
  /** Forgets every answer (a 403 showed the cache was wrong); listeners ask again. */
  invalidate(): void;
  /**
   * A 403 came back for `refused` (undefined: not known what): when the cached answers said it
   * was allowed, they are stale (a binding was deleted) and are dropped (that namespace's rules
   * review, or every namespace's for cluster scope, and the resource's reviews), so the UI shows
   * the change at once instead of after the cache's life. A 403 the answers already foresaw
   * changes nothing, so a view that keeps meeting one does not keep asking again.
   */
  forget(refused: AccessQuery | undefined): void;
  onInvalidate(fn: () => void): () => void;
}

/** Low-priority checks in flight at once (the rest wait their turn). */
const LOW_IN_FLIGHT = 2;

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
  /** The value once it settled (forget() reads it synchronously). */
  resolved?: T;
  settle: (v: T) => void;
  fail: (e: unknown) => void;
  /** Asked at low fetch priority and not asked again at a higher one. */
  low?: boolean;
}

export function createAccessReviewer(deps: {
  client: K8sClient;
  ttlMs?: number;
  /** Answers younger than this survive forget(): a 403 that keeps coming back cannot loop reviews. */
  freshMs?: number;
  now?: () => number;
}): AccessReviewer {
  const { client } = deps;
  const ttl = deps.ttlMs ?? 30_000;
  const fresh = deps.freshMs ?? 1000;
  const now = deps.now ?? Date.now;
  const rules = new Map<string, Cached<Rules | undefined>>();
  const reviews = new Map<string, Cached<Access>>();
  const settled = new Map<string, Access>();
  const listeners = new Set<() => void>();
  // Low-priority checks a few at a time: fetch priority only orders requests still waiting for
  // one of the host's six connections, so two dozen sidebar checks sent at once held every
  // connection while the view's first reads queued behind them.
  let lowInFlight = 0;
  const lowWaiting: Array<() => void> = [];
  function whenLowSlot(entry: { resolved?: unknown }, start: () => Promise<unknown>) {
    const run = () => {
      if ('resolved' in entry) return lowWaiting.shift()?.(); // a waiting caller got the answer first
      lowInFlight++;
      void start().finally(() => {
        lowInFlight--;
        lowWaiting.shift()?.();
      });
    };
    if (lowInFlight < LOW_IN_FLIGHT) run();
    else lowWaiting.push(run);
  }

  function cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>, priority?: RequestPriority): Promise<T> {
    const c = map.get(key);
    if (c && now() - c.at < ttl) {
      // A low-priority request may still wait for a connection: a caller who waits on the answer
      // asks again at its own priority, and the first answer serves every caller.
      if (c.low && priority !== 'low' && !('resolved' in c)) {
        c.low = false;
        load().then(c.settle, c.fail);
      }
      return c.value;
    }
    let settle!: (v: T) => void;
    let fail!: (e: unknown) => void;
    const value = new Promise<T>((resolve, reject) => ((settle = resolve), (fail = reject)));
    const entry: Cached<T> = { at: now(), value, settle, fail, low: priority === 'low' };
    void value.then((v) => (entry.resolved = v)).catch(() => {});
    const start = () => load().then(settle, fail);
    if (entry.low) whenLowSlot(entry, start);
    else void start();
    map.set(key, entry);
    return value;
  }

  const notify = () => {
    for (const fn of [...listeners]) fn();
  };

  /** Deletes the entries `match` picks that are older than `fresh`; true when any went. */
  function drop<T>(map: Map<string, Cached<T>>, match: (key: string) => boolean): boolean {
    let dropped = false;
    for (const [key, c] of map)
      if (match(key) && now() - c.at >= fresh) {
        map.delete(key);
        dropped = true;
      }
    return dropped;
  }

  /** Whether a cached answer said `q` (any object name) was allowed. */
  function claimedAllowed(q: AccessQuery): boolean {
    const r = q.namespace ? rules.get(q.namespace)?.resolved : undefined;
    if (r?.rules.some((rule) => ruleAllows(rule, q))) return true;
    const prefix = keyOf({ ...q, name: undefined }); // ends in the empty name: any name follows
    return [...reviews].some(([key, c]) => key.startsWith(prefix) && !!c.resolved?.allowed);
  }

  const rulesFor = (namespace: string, priority?: RequestPriority) =>
    cached(
      rules,
      namespace,
      async () => {
        try {
          const r = await client.send<{ status?: { resourceRules?: ResourceRule[]; incomplete?: boolean } }>(
            'POST',
            '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
            { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
            { what: 'a rules review', priority },
          );
          return { rules: r.status?.resourceRules ?? [], incomplete: !!r.status?.incomplete };
        } catch {
          return undefined; // not served or refused: ask per check
        }
      },
      priority,
    );

  const review = (q: AccessQuery, priority?: RequestPriority) =>
    cached(
      reviews,
      keyOf(q),
      async (): Promise<Access> => {
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
            { what: 'an access review', priority },
          );
          return r.status?.allowed ? { allowed: true } : { allowed: false, reason: deniedReason(q) };
        } catch {
          return { allowed: true }; // unknown: leave it to the server's answer
        }
      },
      priority,
    );

  async function decide(q: AccessQuery, priority?: RequestPriority): Promise<Access> {
    if (q.namespace) {
      const r = await rulesFor(q.namespace, priority);
      if (r && r.rules.some((rule) => ruleAllows(rule, q))) return { allowed: true };
      if (r && !r.incomplete) return { allowed: false, reason: deniedReason(q) };
    }
    return review(q, priority);
  }

  return {
    async check(q, priority) {
      const a = await decide(q, priority);
      settled.set(keyOf(q), a);
      return a;
    },
    peek: (q) => settled.get(keyOf(q)),
    invalidate() {
      rules.clear();
      reviews.clear();
      settled.clear();
      notify();
    },
    forget(refused) {
      if (refused && !claimedAllowed(refused)) return;
      const same = (key: string) => {
        const [, group, resource, , namespace] = key.split('|');
        if (refused && (resource !== refused.resource || group !== refused.group)) return false;
        return !refused?.namespace || namespace === refused.namespace || namespace === '';
      };
      // Cluster scope: a ClusterRoleBinding may have gone, which every namespace's rules include.
      const rulesGone = drop(rules, (ns) => !refused?.namespace || ns === refused.namespace);
      const reviewsGone = drop(reviews, same);
      // The settled answers stay until the new ones replace them (no flash of enabled buttons).
      if (rulesGone || reviewsGone) notify();
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

/**
 * A 403 from the API: the answers about what it refused are stale (a binding was deleted).
 * The reviews' own 403s are skipped: those say the reviews are not allowed, not what is.
 */
export function forgetOnForbidden(reviewer: AccessReviewer | undefined, err: K8sError, path: string): void {
  if (!reviewer || path.startsWith('/apis/authorization.k8s.io/')) return;
  const f = parseForbidden(err.message);
  if (!f) return reviewer.forget(undefined); // not RBAC's wording: anything may have changed
  const [resource, subresource] = f.resource.split('/');
  reviewer.forget({ verb: f.verb, group: f.group, resource, subresource, namespace: f.namespace });
}
