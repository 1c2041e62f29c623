// Skiff's ingress and Gateway controllers terminate TLS, so they need the certificates of
// kubernetes.io/tls Secrets, and nothing else a Secret may hold (tokens, passwords). RBAC cannot
// say "only this type"; a field selector can (KEP-4601 carries it into authorization): these two
// users may list and watch Secrets only with `type=kubernetes.io/tls`, which the API server then
// applies to what it returns. No get by name, no other verb; RBAC grants them no Secrets at all.
import type { Attributes } from './request-info';
import type { Decision } from './rbac-authorizer';
import { GATEWAY_CONTROLLER, INGRESS_CONTROLLER } from './users';

const TLS_READERS = new Set([INGRESS_CONTROLLER.user, GATEWAY_CONTROLLER.user]);
const ALLOW: Decision = { allowed: true, reason: '' };

/** Allowed, or undefined (no opinion: RBAC decides). */
export function authorizeTlsSecrets(a: Attributes): Decision | undefined {
  if (!TLS_READERS.has(a.user.user) || !a.resourceRequest || a.apiGroup !== '' || a.resource !== 'secrets' || a.subresource)
    return undefined;
  if (a.verb !== 'list' && a.verb !== 'watch') return undefined;
  const tls = a.fieldSelector?.some((r) => r.field === 'type' && r.operator === '=' && r.value === 'kubernetes.io/tls');
  return tls ? ALLOW : undefined;
}
