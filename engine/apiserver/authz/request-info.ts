// What a request asks to do, derived from its method, path and query the way upstream's
// RequestInfoFactory does: resource requests under /api and /apis (verb from the method, list
// or watch when no name, deletecollection for a DELETE without name), everything else a
// non-resource request whose verb is the lower-cased method.
import type { UserInfo } from '../../apimachinery/user-info';
import { parseFieldSelector, type FieldRequirement } from '../../apimachinery/selectors/field-selector';

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path (non-resource rules match it). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** A list, watch or deletecollection's field selector (KEP-4601, authorization with selectors):
   *  RBAC ignores it; the Node authorizer lets a node list its own pods by `spec.nodeName`. */
  fieldSelector?: FieldRequirement[];
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function requestAttributes(user: UserInfo, method: string, pathname: string, query: URLSearchParams): Attributes {
  const a: Attributes = {
    user,
    verb: method.toLowerCase(),
    resourceRequest: false,
    path: pathname,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  let parts = pathname.split('/').filter(Boolean);
  // Most paths carry no escapes: decode only those that do.
  if (pathname.includes('%')) parts = parts.map(decodeSegment);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return a;
  const groupless = parts[0] === 'api';
  parts = parts.slice(1);
  if (!groupless) {
    if (parts.length < 3) return a;
    a.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  a.resourceRequest = true;
  a.apiVersion = parts[0];
  parts = parts.slice(1);
  let viaMethod = true;
  if ((parts[0] === 'watch' || parts[0] === 'proxy') && parts.length >= 2) {
    a.verb = parts[0];
    parts = parts.slice(1);
    viaMethod = false;
  } else {
    a.verb = METHOD_VERBS[method] ?? '';
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    a.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  a.resource = parts[0] ?? '';
  if (parts.length >= 2) a.name = parts[1];
  if (parts.length >= 3 && a.verb !== 'proxy') a.subresource = parts[2];
  if (!a.name && a.verb === 'get' && viaMethod) {
    a.verb = TRUE.has(query.get('watch') ?? '') ? 'watch' : 'list';
    // A list narrowed to one name (informers on one object) is authorized as that name.
    const exact = exactName(query.get('fieldSelector'));
    if (exact) a.name = exact;
  }
  if (!a.name && a.verb === 'delete') a.verb = 'deletecollection';
  if (a.verb === 'list' || a.verb === 'watch' || a.verb === 'deletecollection')
    a.fieldSelector = fieldRequirements(query.get('fieldSelector'));
  return a;
}

/** A selector's requirements, or none when absent or malformed (the handler then refuses it). */
export function fieldRequirements(selector: string | null | undefined): FieldRequirement[] | undefined {
  if (!selector) return undefined;
  try {
    return parseFieldSelector(selector);
  } catch {
    return undefined;
  }
}

export function exactName(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*([^\s,]+)\s*$/.exec(term);
    if (m && !/[/%]/.test(m[1]) && m[1] !== '.' && m[1] !== '..') return m[1];
  }
  return undefined;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
