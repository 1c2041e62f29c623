// GRPCRoute matches as the HTTP matches the route table already ranks (pure): a gRPC call is a
// POST to /<package.Service>/<Method>, so a method match is a path match — both names Exact: an
// exact path; only the service: the /<service>/ prefix; otherwise a regular expression over the
// two segments (a RegularExpression match's service and method are regular expressions already).
import type { GrpcMatch, HttpMatch } from './gateway-types';

const ANY_SEGMENT = '[^/]+';

export function grpcMatchToHttp(m: GrpcMatch): HttpMatch {
  const headers = m.headers?.length ? { headers: m.headers } : {};
  const service = m.method?.service;
  const method = m.method?.method;
  if (!service && !method) return { ...headers };
  if ((m.method?.type ?? 'Exact') === 'RegularExpression')
    return { path: { type: 'RegularExpression', value: `/(?:${service || ANY_SEGMENT})/(?:${method || ANY_SEGMENT})` }, ...headers };
  if (service && method) return { path: { type: 'Exact', value: `/${service}/${method}` }, ...headers };
  if (service) return { path: { type: 'PathPrefix', value: `/${service}` }, ...headers };
  return { path: { type: 'RegularExpression', value: `/${ANY_SEGMENT}/${escapeRegExp(method!)}` }, ...headers };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
