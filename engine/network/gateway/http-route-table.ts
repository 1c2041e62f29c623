// The HTTPRoute table (pure): every (route, rule, match) attached to our Gateways, bucketed by the
// host names it serves, and the lookup a request takes. Precedence as the Gateway API states it:
// an exact host before wildcards (longest first) before routes for any host; within a host, an
// Exact path before a regular expression before a PathPrefix (longest first), then a method match,
// then more header matches, then more query matches, then the oldest route, then namespace/name,
// then rule and match order. A host whose routes match nothing falls through to the less specific
// ones (and then to the Ingresses). GRPCRoutes (their matches turned into paths by grpc-match.ts)
// have an index of their own: they serve gRPC calls (HTTP/2), HTTPRoutes HTTP/1 requests.
import type { Backend } from '../ingress/route-table';
import { prefixMatches } from '../ingress/route-table';
import type { HttpFilter, HttpMatch } from './gateway-types';
import type { MirrorShare } from './mirror-share';

export interface RouteBackend {
  backend: Backend;
  weight: number;
  filters: HttpFilter[];
}

export interface CompiledRule {
  /** namespace/name of the HTTPRoute. */
  route: string;
  ruleIndex: number;
  backends: RouteBackend[];
  filters: HttpFilter[];
  /** Why this rule cannot serve (an unsupported filter): answered with 500. */
  problem?: string;
  /** Backends requests are also sent to, each for its share of them (RequestMirror; answers dropped). */
  mirrors?: (MirrorShare & { backend: Backend })[];
  /** The route's kind when not an HTTPRoute (for messages). */
  kind?: 'GRPCRoute';
}

interface CompiledMatch {
  pathType: 'Exact' | 'PathPrefix' | 'RegularExpression';
  path: string;
  pathRe?: RegExp;
  headers: { name: string; value: string; re?: RegExp }[];
  query: { name: string; value: string; re?: RegExp }[];
  method?: string;
}

interface Entry {
  rule: CompiledRule;
  match: CompiledMatch;
  /** creationTimestamp, key, rule and match index: the tie-breakers. */
  age: string;
  order: number;
}

interface HostIndex {
  exact: Map<string, Entry[]>;
  wildcard: Map<string, Entry[]>;
  any: Entry[];
}

export interface HttpRouteTable extends Indexes {
  /** Listeners on ports of their own (listener-ports.ts): their routes, by local port. */
  ports: Map<number, Indexes>;
}

interface Indexes {
  http: HostIndex;
  https: HostIndex;
  /** GRPCRoutes on HTTP listeners (gRPC over cleartext HTTP/2). */
  grpc: HostIndex;
  /** GRPCRoutes on HTTPS listeners (HTTP/2 chosen by ALPN). */
  grpcs: HostIndex;
}

export interface AttachedRule {
  rule: CompiledRule;
  matches: HttpMatch[];
  /** Host names served ('' = any), from the listener's and route's names. */
  hostnames: string[];
  secure: boolean;
  /** A GRPCRoute's rule. */
  grpc?: boolean;
  /** The route's creationTimestamp. */
  created: string;
  /** The listener's own port, when it has one (else the ingress's ports). */
  port?: number;
}

export interface RouteRequest {
  host: string;
  /** Path with query. */
  url: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  secure: boolean;
  /** A gRPC call (HTTP/2): only GRPCRoutes serve it. */
  grpc?: boolean;
  /** The local port it arrived on. */
  port?: number;
}

export interface RouteHit {
  rule: CompiledRule;
  /** The matched PathPrefix (for ReplacePrefixMatch), or undefined. */
  prefix?: string;
}

const emptyIndex = (): HostIndex => ({ exact: new Map(), wildcard: new Map(), any: [] });
const emptyIndexes = (): Indexes => ({ http: emptyIndex(), https: emptyIndex(), grpc: emptyIndex(), grpcs: emptyIndex() });
export const emptyHttpRouteTable = (): HttpRouteTable => ({ ...emptyIndexes(), ports: new Map() });

export function buildHttpRouteTable(attached: AttachedRule[]): HttpRouteTable {
  const table = emptyHttpRouteTable();
  let order = 0;
  for (const a of attached) {
    let own: Indexes | undefined = a.port === undefined ? table : table.ports.get(a.port);
    if (!own) table.ports.set(a.port!, (own = emptyIndexes()));
    const index = a.grpc ? (a.secure ? own.grpcs : own.grpc) : a.secure ? own.https : own.http;
    const matches = a.matches.length ? a.matches : [{}];
    for (const m of matches) {
      const entry: Entry = { rule: a.rule, match: compileMatch(m), age: `${a.created}\u0000${a.rule.route}`, order: order++ };
      for (const h of new Set(a.hostnames)) {
        if (!h) index.any.push(entry);
        else if (h.startsWith('*.')) push(index.wildcard, h.slice(1), entry);
        else push(index.exact, h, entry);
      }
    }
  }
  for (const t of [table, ...table.ports.values()])
    for (const idx of [t.http, t.https, t.grpc, t.grpcs])
      for (const list of [idx.any, ...idx.exact.values(), ...idx.wildcard.values()]) list.sort(byPrecedence);
  return table;
}

export function matchHttpRoute(table: HttpRouteTable, req: RouteRequest): RouteHit | undefined {
  const t = (req.port !== undefined && table.ports.get(req.port)) || table;
  const idx = req.grpc ? (req.secure ? t.grpcs : t.grpc) : req.secure ? t.https : t.http;
  const q = req.url.indexOf('?');
  const path = (q >= 0 ? req.url.slice(0, q) : req.url) || '/';
  const query = new URLSearchParams(q >= 0 ? req.url.slice(q + 1) : '');
  const lists: (Entry[] | undefined)[] = [idx.exact.get(req.host)];
  for (let dot = req.host.indexOf('.'); dot >= 0; dot = req.host.indexOf('.', dot + 1)) {
    if (dot > 0) lists.push(idx.wildcard.get(req.host.slice(dot)));
  }
  lists.push(idx.any);
  for (const list of lists) {
    const hit = list?.find((e) => matches(e.match, path, query, req));
    if (hit) return { rule: hit.rule, ...(hit.match.pathType === 'PathPrefix' ? { prefix: hit.match.path } : {}) };
  }
  return undefined;
}

function matches(m: CompiledMatch, path: string, query: URLSearchParams, req: RouteRequest): boolean {
  if (m.pathType === 'Exact' ? path !== m.path : m.pathType === 'PathPrefix' ? !prefixMatches(m.path, path) : !m.pathRe!.test(path))
    return false;
  if (m.method && req.method.toUpperCase() !== m.method) return false;
  for (const h of m.headers) {
    const v = req.headers[h.name];
    const text = Array.isArray(v) ? v.join(',') : v;
    if (text === undefined || (h.re ? !h.re.test(text) : text !== h.value)) return false;
  }
  for (const p of m.query) {
    const v = query.get(p.name);
    if (v === null || (p.re ? !p.re.test(v) : v !== p.value)) return false;
  }
  return true;
}

function compileMatch(m: HttpMatch): CompiledMatch {
  const type = (m.path?.type ?? 'PathPrefix') as CompiledMatch['pathType'];
  const raw = m.path?.value ?? '/';
  const path = type === 'PathPrefix' ? raw.replace(/\/+$/, '') || '/' : raw;
  const re = (type: string | undefined, v: string) => (type === 'RegularExpression' ? safeRegExp(v) : undefined);
  return {
    pathType: type,
    path,
    ...(type === 'RegularExpression' ? { pathRe: safeRegExp(raw) } : {}),
    headers: (m.headers ?? []).map((h) => ({ name: h.name.toLowerCase(), value: h.value, re: re(h.type, h.value) })),
    query: (m.queryParams ?? []).map((p) => ({ name: p.name, value: p.value, re: re(p.type, p.value) })),
    ...(m.method ? { method: m.method.toUpperCase() } : {}),
  };
}

/** A whole-value regular expression; one that does not compile matches nothing. */
function safeRegExp(source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return /(?!)/;
  }
}

// Regular expressions are implementation-specific upstream: ranked as Envoy Gateway does, after Exact, before PathPrefix.
const TYPE_RANK = { Exact: 0, RegularExpression: 1, PathPrefix: 2 };
function byPrecedence(a: Entry, b: Entry): number {
  const x = a.match;
  const y = b.match;
  return (
    TYPE_RANK[x.pathType] - TYPE_RANK[y.pathType] ||
    y.path.length - x.path.length ||
    Number(!!y.method) - Number(!!x.method) ||
    y.headers.length - x.headers.length ||
    y.query.length - x.query.length ||
    (a.age < b.age ? -1 : a.age > b.age ? 1 : 0) ||
    a.order - b.order
  );
}

function push<K>(m: Map<K, Entry[]>, k: K, e: Entry) {
  const l = m.get(k);
  if (l) l.push(e);
  else m.set(k, [e]);
}
