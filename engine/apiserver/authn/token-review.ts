// authentication.k8s.io/v1 TokenReview: tells an in-cluster checker (kube-rbac-proxy, Vault's
// Kubernetes auth) who a bearer token stands for, with upstream's answer shape: status.authenticated,
// user{username,uid,groups,extra}, the audiences it is valid for, or the error.
import type { ServiceAccountAuthenticator } from './service-account-authn';
import { errors } from '../status';
import { withAuthenticatedGroup } from '../authz/users';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export async function answerTokenReview(authn: Pick<ServiceAccountAuthenticator, 'review'>, body: Obj): Promise<object> {
  const spec = obj(body.spec) ?? {};
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (!token) throw errors.badRequest('token is required for TokenReview in authentication');
  const wanted = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
  const r = await authn.review(token, wanted);
  const head = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: { ...obj(body.metadata), creationTimestamp: null },
    spec,
  };
  if (!r.user) return { ...head, status: { user: {}, error: r.error ?? 'invalid bearer token' } };
  const u = withAuthenticatedGroup(r.user);
  return {
    ...head,
    status: {
      authenticated: true,
      user: { username: u.user, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) },
      audiences: r.audiences ?? [],
    },
  };
}
