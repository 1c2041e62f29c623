// Authorization for requests that arrive over HTTP, after authentication: impersonation, then
// the decision for the request's attributes (the Node authorizer for kubelets, then RBAC),
// answered with upstream's Forbidden. Escalation checks read the writer from the admission
// request, not from an async context: in Node 20 one AsyncLocalStorage.run turns on promise hooks
// for the rest of the process (every GET measured ~25 % slower after a single RBAC write). In-process clients with a user (controllers, scheduler,
// kubelets, the network agent) are checked with `check`, over the same cached decisions.
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../../apimachinery/user-info';
import type { Store } from '../../store/types';
import type { Admission } from '../resource-store';
import { createRbacCache } from './rbac-cache';
import { PRIVILEGED_GROUP, createRbacAuthorizer, type RbacAuthorizer } from './rbac-authorizer';
import { requestAttributes } from './request-info';
import { forbidden } from './forbidden';
import { impersonate, wantsImpersonation } from './impersonation';
import { withAuthenticatedGroup } from './users';
import { createEscalationAdmission } from './escalation';
import { answerReview } from './reviews';
import { createNodeGraph } from './node-graph';
import { createNodeAuthorizer } from './node-authorizer';
import type { Attributes } from './request-info';
import { authorizeTlsSecrets } from './tls-secrets-authorizer';

/** Subresources reached by a GET upgrade that upstream also authorizes as `create`. */
const STREAMING = new Set(['exec', 'attach', 'portforward']);

export interface Authorization {
  /**
   * The user the request acts as; throws Forbidden (or BadRequest for malformed impersonation).
   * Answers at once, without a promise, for system:masters acting as themselves.
   */
  authorizeRequest(req: IncomingMessage, url: Pick<URL, 'pathname' | 'searchParams'>, user: UserInfo): UserInfo | Promise<UserInfo>;
  /** Throws Forbidden unless `a` is allowed (in-process clients acting as a component's user). */
  check(a: Attributes): Promise<void>;
  /** Answers an authorization.k8s.io review; undefined for kinds it does not own. */
  review(kind: string, body: Record<string, unknown>, user: UserInfo, namespace: string | undefined): ReturnType<typeof answerReview>;
  escalation: Admission;
  authorizer: RbacAuthorizer;
  /** Turns RBAC off (every authenticated request allowed) or back on: benchmarks compare both on one server. */
  setEnabled(on: boolean): void;
  stop(): void;
}

export function createAuthorization(deps: { store: Store; enabled?: boolean }): Authorization {
  const cache = createRbacCache(deps.store);
  const rbac = createRbacAuthorizer(cache);
  const graph = createNodeGraph(deps.store);
  const nodes = createNodeAuthorizer(graph);
  // `--authorization-mode=Node,RBAC`: the Node authorizer first, RBAC where it has no opinion.
  const authorizer: RbacAuthorizer = {
    authorize(a) {
      const tls = authorizeTlsSecrets(a);
      if (tls) return Promise.resolve(tls);
      const n = nodes.authorize(a);
      if (!n) return rbac.authorize(a);
      return n.then(async (d) => {
        if (d.allowed || !d.noOpinion) return d;
        const r = await rbac.authorize(a);
        return r.allowed || !d.reason ? r : { allowed: false, reason: d.reason };
      });
    },
    rulesFor: (user, namespace) => rbac.rulesFor(user, namespace),
  };
  let enabled = deps.enabled ?? true;
  // With RBAC off (benchmarks compare both) every request is allowed, as upstream's AlwaysAllow.
  const allowAll: RbacAuthorizer = { ...authorizer, authorize: () => Promise.resolve({ allowed: true, reason: '' }) };
  let decide = enabled ? authorizer : allowAll;

  async function authorizeSlow(
    req: IncomingMessage,
    url: Pick<URL, 'pathname' | 'searchParams'>,
    authenticated: UserInfo,
    impersonating: boolean,
  ): Promise<UserInfo> {
    let user = authenticated;
    if (impersonating) {
      user = await impersonate(user, req.headersDistinct, decide);
      for (const h of Object.keys(req.headers)) if (h.startsWith('impersonate-')) delete req.headers[h];
    }
    const a = requestAttributes(user, req.method ?? 'GET', url.pathname, url.searchParams);
    const d = await decide.authorize(a);
    if (!d.allowed) throw forbidden(a, d.reason);
    if (req.headers.upgrade && a.verb === 'get' && a.resource === 'pods' && STREAMING.has(a.subresource)) {
      const create = { ...a, verb: 'create' };
      const c = await decide.authorize(create);
      if (!c.allowed) throw forbidden(create, c.reason);
    }
    return user;
  }

  return {
    authorizeRequest(req, url, authenticated) {
      const user = withAuthenticatedGroup(authenticated);
      const impersonating = wantsImpersonation(req.headers);
      // The privileged group is allowed everything before any authorizer is asked (as
      // kube-apiserver's chain starts): no attributes to derive, no extra turn per request.
      if (!impersonating && user.groups.includes(PRIVILEGED_GROUP)) return user;
      return authorizeSlow(req, url, user, impersonating);
    },
    async check(a) {
      const d = await decide.authorize(a);
      if (!d.allowed) throw forbidden(a, d.reason);
    },
    review: (kind, body, user, namespace) => answerReview(authorizer, kind, body, user, namespace),
    escalation: createEscalationAdmission({
      enabled: () => enabled,
      authorizer,
      cache,
    }),
    authorizer,
    setEnabled(on) {
      enabled = on;
      decide = on ? authorizer : allowAll;
    },
    stop() {
      cache.stop();
      graph.stop();
    },
  };
}
