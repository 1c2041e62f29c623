// Impersonation (kubectl --as / --as-group / --as-uid): the Impersonate-* headers name who the
// request acts as, each allowed only by the `impersonate` verb on users, groups, serviceaccounts,
// uids or userextras/<key> — upstream's impersonation filter, answered with its Forbidden.
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../../apimachinery/user-info';
import { errors } from '../status';
import type { Attributes } from './request-info';
import type { RbacAuthorizer } from './rbac-authorizer';
import { forbidden } from './forbidden';
import { withAuthenticatedGroup } from './users';

const SA_PREFIX = 'system:serviceaccount:';

export function wantsImpersonation(headers: IncomingHttpHeaders): boolean {
  for (const h in headers) if (h.startsWith('impersonate-')) return true;
  return false;
}

/**
 * The user the request acts as; throws Forbidden when the requester may not impersonate it.
 * `headers` are the request's distinct header values (repeated headers stay separate values).
 */
export async function impersonate(
  requester: UserInfo,
  headers: Record<string, string[] | undefined>,
  authorizer: RbacAuthorizer,
): Promise<UserInfo> {
  const values = (h: string) => headers[h] ?? [];
  const [user] = values('impersonate-user');
  const groups = values('impersonate-group');
  const [uid] = values('impersonate-uid');
  const extraKeys = Object.keys(headers).filter((h) => h.startsWith('impersonate-extra-'));
  if (!user && (groups.length || uid || extraKeys.length)) {
    throw errors.badRequest(`requested impersonation of groups, a uid or extra fields without impersonating a user`);
  }
  if (!user) return requester;
  const checks: Attributes[] = [];
  const check = (apiGroup: string, resource: string, name: string, namespace = '', subresource = '') =>
    checks.push({
      user: requester,
      verb: 'impersonate',
      resourceRequest: true,
      path: '',
      apiGroup,
      apiVersion: 'v1',
      namespace,
      resource,
      subresource,
      name,
    });
  let saGroups: string[] = [];
  if (user.startsWith(SA_PREFIX)) {
    const [ns, name] = user.slice(SA_PREFIX.length).split(':');
    check('', 'serviceaccounts', name ?? '', ns ?? '');
    saGroups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`];
  } else check('', 'users', user);
  for (const g of groups) check('', 'groups', g);
  if (uid) check('authentication.k8s.io', 'uids', uid);
  for (const h of extraKeys)
    for (const v of values(h)) check('authentication.k8s.io', 'userextras', v, '', unescapeKey(h.slice('impersonate-extra-'.length)));
  for (const a of checks) {
    const d = await authorizer.authorize(a);
    if (!d.allowed) throw forbidden(a, d.reason);
  }
  return withAuthenticatedGroup({ user, groups: groups.length ? groups : saGroups });
}

/** Extra keys are percent-encoded in header names; a malformed escape is kept as sent. */
function unescapeKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}
