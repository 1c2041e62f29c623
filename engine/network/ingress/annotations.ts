// Controller-specific annotations charts set (ingress-nginx, Traefik). Besides ssl-redirect and
// force-ssl-redirect the built-in controller does not act on them yet, so each one present is a
// clear warning on the Ingress rather than a silent difference (pure).
import type { KubeObject } from '../../kinds/types';

const PREFIXES = ['nginx.ingress.kubernetes.io/', 'traefik.ingress.kubernetes.io/'];
/** The ones the controller honours (route-table.ts). */
const HONOURED = new Set(['nginx.ingress.kubernetes.io/ssl-redirect', 'nginx.ingress.kubernetes.io/force-ssl-redirect']);

export function unsupportedAnnotations(ing: KubeObject): { reason: string; message: string }[] {
  const names = Object.keys(ing.metadata.annotations ?? {}).filter((k) => PREFIXES.some((p) => k.startsWith(p)) && !HONOURED.has(k));
  return names.sort().map((k) => ({
    reason: 'UnsupportedAnnotation',
    message: `annotation ${k} is not supported by the skiff ingress controller and has no effect`,
  }));
}
