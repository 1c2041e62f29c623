// Controller-specific annotations charts set (ingress-nginx, Traefik). The built-in controller
// honours ssl-redirect, force-ssl-redirect, rewrite-target, use-regex and backend-protocol (HTTP,
// HTTPS, GRPC, GRPCS); every other one present is a clear warning on the Ingress rather than a silent
// difference (pure).
import type { KubeObject } from '../../kinds/types';

const PREFIXES = ['nginx.ingress.kubernetes.io/', 'traefik.ingress.kubernetes.io/'];
/** The ones the controller honours (route-table.ts). */
const HONOURED = new Set(
  ['ssl-redirect', 'force-ssl-redirect', 'rewrite-target', 'use-regex', 'backend-protocol'].map((a) => `nginx.ingress.kubernetes.io/${a}`),
);
const PROTOCOLS = new Set(['HTTP', 'HTTPS', 'AUTO_HTTP', 'GRPC', 'GRPCS']);

export function unsupportedAnnotations(ing: KubeObject): { reason: string; message: string }[] {
  const names = Object.keys(ing.metadata.annotations ?? {}).filter((k) => PREFIXES.some((p) => k.startsWith(p)) && !HONOURED.has(k));
  const out = names.sort().map((k) => ({
    reason: 'UnsupportedAnnotation',
    message: `annotation ${k} is not supported by the skiff ingress controller and has no effect`,
  }));
  const protocol = ing.metadata.annotations?.['nginx.ingress.kubernetes.io/backend-protocol'];
  if (protocol !== undefined && !PROTOCOLS.has(protocol.toUpperCase()))
    out.push({
      reason: 'UnsupportedAnnotation',
      message: `backend-protocol ${protocol} is not supported by the skiff ingress controller (HTTP, HTTPS, GRPC and GRPCS are): the pods are spoken to over HTTP`,
    });
  return out;
}
