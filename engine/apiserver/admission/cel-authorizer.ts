// The CEL `authorizer` variable for admission (ValidatingAdmissionPolicy expressions and
// admission webhooks' matchConditions, as upstream offers it to both): checks run as the
// requesting user, or as a ServiceAccount named in the expression, through the cluster's
// authorizer. CEL evaluation is synchronous and the authorizer is not: a check whose answer is
// not known yet suspends evaluation (CelSuspend); the answers are fetched and the expression
// runs again, each round answering what the last one asked.
import { Authorizer, CelEvalError, CelSuspend, type AuthzAnswer, type AuthzCheck, type AuthzOracle } from '../../apimachinery/cel/cel';
import type { UserInfo } from '../../apimachinery/user-info';
import type { Attributes } from '../authz/request-info';
import type { Decision } from '../authz/rbac-authorizer';
import type { AdmissionAttributes } from './webhook/types';

export type AuthorizeFn = (a: Attributes) => Promise<Decision>;

/** Each round answers the checks the last one needed; a rule makes at most a few (each costs 350,000). */
const MAX_AUTHZ_ROUNDS = 20;

const serviceAccountUser = (ns: string, name: string): UserInfo => ({
  user: `system:serviceaccount:${ns}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
});

export function createCelAuthorizer(authorize: AuthorizeFn | undefined) {
  async function answer(c: AuthzCheck, user: UserInfo | undefined): Promise<AuthzAnswer> {
    if (!authorize) return { allowed: false, reason: '', error: 'no authorizer is configured' };
    const who = c.serviceAccount ? serviceAccountUser(c.serviceAccount.namespace, c.serviceAccount.name) : user;
    if (!who) return { allowed: false, reason: '', error: 'the request has no user' };
    const attrs: Attributes = {
      user: who,
      verb: c.verb,
      resourceRequest: c.path === undefined,
      path: c.path ?? '',
      apiGroup: c.group,
      apiVersion: '*',
      namespace: c.namespace,
      resource: c.resource,
      subresource: c.subresource,
      name: c.name,
    };
    try {
      return await authorize(attrs);
    } catch (e) {
      return { allowed: false, reason: '', error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Runs `evaluate` with an `authorizer` for request `a` until no check is left unanswered. */
  async function withAuthorizer<T>(a: AdmissionAttributes, evaluate: (authorizer: Authorizer) => T): Promise<T> {
    const answers = new Map<string, AuthzAnswer>();
    const pending = new Map<string, AuthzCheck>();
    const oracle: AuthzOracle = (c) => {
      const key = JSON.stringify(c);
      const hit = answers.get(key);
      if (hit) return hit;
      pending.set(key, c);
      throw new CelSuspend();
    };
    const target = { group: a.def.group, resource: a.def.plural, subresource: a.subresource, namespace: a.namespace ?? '', name: a.name };
    const authorizer = new Authorizer(oracle, target);
    for (let round = 0; ; round++) {
      try {
        return evaluate(authorizer);
      } catch (e) {
        if (!(e instanceof CelSuspend)) throw e;
        if (round >= MAX_AUTHZ_ROUNDS) throw new CelEvalError('too many authorization checks');
        for (const [key, c] of pending) answers.set(key, await answer(c, a.user));
        pending.clear();
      }
    }
  }

  return { withAuthorizer };
}
