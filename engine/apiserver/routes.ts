// Parses an API path into what it addresses. Knows nothing about HTTP methods.
import type { KindDef } from '../kinds/types';

export type Route =
  | { type: 'root' | 'version' | 'health' | 'api' | 'apis' | 'openapi-v2' | 'oidc-config' | 'oidc-jwks' }
  | { type: 'openapi-v3'; docPath?: string }
  | { type: 'group'; group: string }
  | { type: 'group-version'; group: string; version: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      /** The namespace in the URL (undefined for cluster-scoped kinds and all-namespace lists). */
      namespace?: string;
      plural: string;
      name?: string;
      subresource?: string;
    };

export interface KindLookup {
  byResource(group: string, version: string, plural: string): KindDef | undefined;
}

export function parseRoute(pathname: string, kinds: KindLookup): Route | undefined {
  const segments = pathname.split('/').filter(Boolean);
  // Decoded only when escaped (most paths are not); a malformed escape still throws URIError.
  const parts = pathname.includes('%') ? segments.map(decodeURIComponent) : segments;
  if (parts.length === 0) return { type: 'root' };
  const [head] = parts;
  if (head === 'version' && parts.length === 1) return { type: 'version' };
  if (head === 'healthz' || head === 'livez' || head === 'readyz') return { type: 'health' };
  if (head === '.well-known') return parts.length === 2 && parts[1] === 'openid-configuration' ? { type: 'oidc-config' } : undefined;
  if (head === 'openid') return parts.length === 3 && parts[1] === 'v1' && parts[2] === 'jwks' ? { type: 'oidc-jwks' } : undefined;
  if (head === 'openapi') {
    if (parts[1] === 'v2') return { type: 'openapi-v2' };
    if (parts[1] === 'v3') return { type: 'openapi-v3', docPath: parts.length > 2 ? parts.slice(2).join('/') : undefined };
    return undefined;
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (head === 'api') {
    if (parts.length === 1) return { type: 'api' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (head === 'apis') {
    if (parts.length === 1) return { type: 'apis' };
    group = parts[1];
    if (parts.length === 2) return { type: 'group', group };
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return { type: 'group-version', group, version };
  // /namespaces/{ns}/{resource}/... addresses a namespaced resource unless {resource} is a
  // namespace subresource (status, finalize).
  const namespaceSub = group === '' && rest.length === 3 && !isNamespacedResource(group, version, rest[2], kinds);
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSub) {
    const [, namespace, plural, name, subresource] = rest;
    // Only proxy takes a path after its subresource (pods/services: .../{name}/proxy/{path}).
    if (rest.length > 5 && subresource !== 'proxy') return undefined;
    return { type: 'resource', group, version, namespace, plural, name, subresource };
  }
  const [plural, name, subresource] = rest;
  if (rest.length > 3 && subresource !== 'proxy') return undefined; // nodes/{name}/proxy/{path}
  return { type: 'resource', group, version, plural, name, subresource };
}

function isNamespacedResource(group: string, version: string, plural: string, kinds: KindLookup): boolean {
  const def = kinds.byResource(group, version, plural);
  return Boolean(def && def.namespaced);
}
