// Whether a Gateway listener can be served (pure): HTTP and HTTPS (TLS terminated here) can,
// other protocols not; the route kinds it allows (HTTPRoute and GRPCRoute); its certificate: a Secret it
// names (same namespace, or another with a ReferenceGrant there), or none for `*.localhost`
// names, which get leaves from the cluster's localhost CA as Ingress hosts do.
import type { KubeObject } from '../../kinds/types';
import { GATEWAY_GROUP } from './gateway-crds';
import { ROUTE_KINDS, type Listener } from './gateway-types';
import { referenceAllowed } from './route-backends';

export interface ListenerVerdict {
  accepted: boolean;
  /** The Accepted condition's reason when not accepted (default UnsupportedProtocol). */
  acceptedReason?: string;
  resolved: boolean;
  reason: string;
  message: string;
  supportedKinds: { group: string; kind: string }[];
  certificate?: { hostname: string; secret: KubeObject };
}

export function listenerVerdict(
  gw: KubeObject,
  l: Listener,
  input: { grants: KubeObject[]; secret(namespace: string, name: string): KubeObject | undefined },
): ListenerVerdict {
  const ns = gw.metadata.namespace ?? 'default';
  if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS')
    return {
      accepted: false,
      resolved: true,
      reason: 'UnsupportedProtocol',
      message: `protocol ${l.protocol} is not supported (HTTP and HTTPS are)`,
      supportedKinds: [],
    };
  if (l.protocol === 'HTTPS' && (l.tls?.mode ?? 'Terminate') !== 'Terminate')
    return {
      accepted: false,
      resolved: true,
      reason: 'UnsupportedProtocol',
      message: `TLS mode ${l.tls?.mode} is not supported on HTTPS listeners`,
      supportedKinds: [],
    };
  const kinds = l.allowedRoutes?.kinds ?? [];
  const supportedKinds = kinds.length
    ? kinds
        .filter((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (ROUTE_KINDS as string[]).includes(k.kind))
        .map((k) => ({ group: GATEWAY_GROUP, kind: k.kind }))
    : ROUTE_KINDS.map((kind) => ({ group: GATEWAY_GROUP, kind }));
  const ok = { accepted: true, resolved: true, reason: 'ResolvedRefs', message: '', supportedKinds };
  if (kinds.length && supportedKinds.length < kinds.length)
    return { ...ok, resolved: false, reason: 'InvalidRouteKinds', message: 'Only HTTPRoute and GRPCRoute are supported' };
  if (l.protocol !== 'HTTPS') return ok;
  const ref = l.tls?.certificateRefs?.[0];
  if (!ref) return ok;
  const bad = (message: string) => ({ ...ok, resolved: false, reason: 'InvalidCertificateRef', message });
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret')
    return bad(`certificateRef ${ref.kind} ${ref.name}: only Secrets are supported`);
  const secretNs = ref.namespace ?? ns;
  if (
    secretNs !== ns &&
    !referenceAllowed(input.grants, { kind: 'Gateway', namespace: ns }, { group: '', kind: 'Secret', namespace: secretNs, name: ref.name })
  )
    return {
      ...ok,
      resolved: false,
      reason: 'RefNotPermitted',
      message: `certificateRef to Secret ${secretNs}/${ref.name} is not permitted by a ReferenceGrant`,
    };
  const secret = input.secret(secretNs, ref.name);
  const data = (secret?.data ?? {}) as Record<string, string>;
  if (!secret || !data['tls.crt'] || !data['tls.key']) return bad(`Secret ${secretNs}/${ref.name} not found or has no tls.crt and tls.key`);
  return { ...ok, certificate: { hostname: (l.hostname ?? '').toLowerCase(), secret } };
}
