// The ingress route table (pure): our Ingresses' rules merged by host, each path resolved to a
// Service port and its ready endpoints (from the network's own routing table), and the lookup a
// request takes. Upstream's semantics: a host is matched exactly or by a one-label wildcard
// (`*.example.com`); among matching paths the longest wins and, at equal length, Exact before
// Prefix; Prefix matches path elements (`/foo` matches `/foo` and `/foo/bar`, never `/foobar`);
// ImplementationSpecific is treated as Prefix; at equal rules the oldest Ingress wins.
import type { KubeObject } from '../../kinds/types';
import type { Endpoint, ServiceRoute } from '../table';
import { ingressSpec, servicePorts, type IngressBackend } from './ingress-types';

export interface Backend {
  /** "namespace/service:port" as the Ingress names it. */
  id: string;
  /** The Service's ClusterIP and port (the network agent's dial target). */
  clusterIP?: string;
  servicePort?: number;
  /** Ready endpoints (pod IP and target port). */
  endpoints: Endpoint[];
  /** Why this backend cannot serve (missing Service or port); the proxy answers 503. */
  problem?: string;
}

export interface PathRule {
  path: string;
  exact: boolean;
  backend: Backend;
  /** namespace/name of the Ingress. */
  ingress: string;
  /** Plain HTTP is redirected to HTTPS (the host has TLS, or force-ssl-redirect; ingress-nginx's default). */
  httpsOnly?: boolean;
  /** ingress-nginx's use-regex / rewrite-target: the path is a case-insensitive regular expression anchored at its start. */
  regex?: RegExp;
  /** rewrite-target: the upstream path, with $1… from the regex's groups (the query is kept). */
  rewrite?: string;
  /** backend-protocol HTTPS or GRPCS: the pod is spoken to over TLS (its certificate is not verified, as ingress-nginx). */
  backendTls?: boolean;
  /** backend-protocol GRPC or GRPCS: the pod speaks gRPC (HTTP/2); gRPC calls are routed here. */
  grpc?: boolean;
}

export interface RouteTable {
  hosts: Map<string, PathRule[]>;
  /** "*.example.com" rules by their suffix ".example.com". */
  wildcards: Map<string, PathRule[]>;
  /** Rules without a host. */
  any: PathRule[];
  defaultBackend?: { backend: Backend; ingress: string };
}

export interface RouteProblem {
  /** namespace/name of the Ingress. */
  ingress: string;
  reason: string;
  message: string;
}

export interface RouteInput {
  /** Only the Ingresses this controller serves. */
  ingresses: KubeObject[];
  services: KubeObject[];
  /** computeTable's Service routes (ClusterIP Services with their ready endpoints). */
  routes: ServiceRoute[];
}

const NGINX = 'nginx.ingress.kubernetes.io/';

/** Hosts the app itself uses: never served, so no pod page can sit on the app's site. */
export const isReservedHost = (host: string) => /(^|\.)skiff-[^.]*\.localhost$/i.test(host.replace(/\.$/, ''));

export function buildRouteTable(input: RouteInput): { table: RouteTable; problems: RouteProblem[] } {
  const svcs = new Map(input.services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const routes = new Map(input.routes.map((r) => [r.id, r]));
  const table: RouteTable = { hosts: new Map(), wildcards: new Map(), any: [] };
  const problems: RouteProblem[] = [];
  const ordered = [...input.ingresses].sort(
    (a, b) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || key(a).localeCompare(key(b)),
  );
  for (const ing of ordered) {
    const ingress = key(ing);
    const ns = ing.metadata.namespace ?? 'default';
    const spec = ingressSpec(ing);
    const resolve = (b: IngressBackend | undefined) => {
      const r = resolveBackend(ns, b, svcs, routes);
      if (r.problem) problems.push({ ingress, reason: r.reason!, message: r.problem });
      return r.backend;
    };
    // ingress-nginx redirects HTTP to HTTPS for hosts with TLS unless ssl-redirect is "false".
    const ann = ing.metadata.annotations ?? {};
    const tlsHosts = new Set((spec.tls ?? []).flatMap((t) => (t.hosts ?? []).map((h) => h.toLowerCase())));
    const force = ann[`${NGINX}force-ssl-redirect`] === 'true';
    const redirect = ann[`${NGINX}ssl-redirect`] !== 'false';
    const rewrite = ann[`${NGINX}rewrite-target`];
    const useRegex = rewrite !== undefined || ann[`${NGINX}use-regex`] === 'true';
    const protocol = ann[`${NGINX}backend-protocol`]?.toUpperCase();
    const backendTls = protocol === 'HTTPS' || protocol === 'GRPCS';
    const grpc = protocol === 'GRPC' || protocol === 'GRPCS';
    if (spec.defaultBackend && !table.defaultBackend) table.defaultBackend = { backend: resolve(spec.defaultBackend), ingress };
    for (const rule of spec.rules ?? []) {
      const host = rule.host ? rule.host.toLowerCase() : '';
      if (host && isReservedHost(host)) {
        problems.push({ ingress, reason: 'ReservedHost', message: `host ${host} is reserved for the Skiff app and is never served` });
        continue;
      }
      const group = !host ? table.any : host.startsWith('*.') ? list(table.wildcards, host.slice(1)) : list(table.hosts, host);
      for (const p of rule.http?.paths ?? []) {
        const exact = p.pathType === 'Exact' && !useRegex;
        const path = exact || useRegex ? (p.path ?? '/') : normalizePrefix(p.path ?? '/');
        const regex = useRegex ? pathRegex(p.path ?? '/') : undefined;
        if (useRegex && !regex) {
          problems.push({
            ingress,
            reason: 'InvalidPath',
            message: `path ${p.path} is not a valid regular expression (use-regex, rewrite-target)`,
          });
          continue;
        }
        if (group.some((g) => g.path === path && g.exact === exact)) continue; // the older Ingress keeps it
        const httpsOnly = force || (redirect && !!host && tlsHosts.has(host));
        group.push({
          path,
          exact,
          backend: resolve(p.backend),
          ingress,
          ...(httpsOnly ? { httpsOnly } : {}),
          ...(regex ? { regex } : {}),
          ...(rewrite !== undefined ? { rewrite } : {}),
          ...(backendTls ? { backendTls } : {}),
          ...(grpc ? { grpc } : {}),
        });
      }
    }
  }
  for (const g of [table.any, ...table.hosts.values(), ...table.wildcards.values()]) g.sort(byPrecedence);
  return { table, problems };
}

/** The rule (or default backend) for a request; undefined when nothing matches (404). */
export function matchRoute(
  table: RouteTable,
  host: string,
  path: string,
): Pick<PathRule, 'backend' | 'ingress' | 'httpsOnly' | 'regex' | 'rewrite' | 'backendTls' | 'grpc'> | undefined {
  const h = normalizeHost(host);
  const p = path.split('?')[0] || '/';
  const groups: (PathRule[] | undefined)[] = [table.hosts.get(h)];
  const dot = h.indexOf('.');
  if (dot > 0) groups.push(table.wildcards.get(h.slice(dot)));
  groups.push(table.any);
  for (const g of groups) {
    const hit = g?.find((r) => (r.regex ? r.regex.test(p) : r.exact ? r.path === p : prefixMatches(r.path, p)));
    if (hit) return hit;
  }
  return table.defaultBackend;
}

/** The upstream path (with query) for a rule with rewrite-target: ingress-nginx replaces the whole URI. */
export function rewriteTarget(rule: Pick<PathRule, 'regex' | 'rewrite'>, url: string): string | undefined {
  if (rule.rewrite === undefined || !rule.regex) return undefined;
  const q = url.indexOf('?');
  const m = rule.regex.exec(q >= 0 ? url.slice(0, q) : url);
  if (!m) return undefined;
  const out = rule.rewrite.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? '') || '/';
  return (out.startsWith('/') ? out : `/${out}`) + (q >= 0 ? url.slice(q) : '');
}

function pathRegex(path: string): RegExp | undefined {
  try {
    return new RegExp(`^${path}`, 'i');
  } catch {
    return undefined;
  }
}

/** Host header → lower-case name without port or trailing dot. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  return h.replace(/\.$/, '');
}

/** Prefix paths compare by elements: a trailing slash does not count. */
function normalizePrefix(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p || '/';
}

export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || (path.startsWith(prefix) && path[prefix.length] === '/');
}

function byPrecedence(a: PathRule, b: PathRule): number {
  return b.path.length - a.path.length || (a.exact === b.exact ? 0 : a.exact ? -1 : 1);
}

/** A Service port as a backend (shared with the Gateway API routes): its ready endpoints, or why it cannot serve. */
export function resolveBackend(
  ns: string,
  b: IngressBackend | undefined,
  svcs: Map<string, KubeObject>,
  routes: Map<string, ServiceRoute>,
): { backend: Backend; problem?: string; reason?: string } {
  const name = b?.service?.name;
  const port = b?.service?.port ?? {};
  const portText = port.name ?? String(port.number ?? '');
  const id = `${ns}/${name}:${portText}`;
  const fail = (reason: string, problem: string) => ({ backend: { id, endpoints: [], problem }, problem, reason });
  if (!name) return fail('UnsupportedBackend', `resource backends are not supported by the skiff ingress controller`);
  const svc = svcs.get(`${ns}/${name}`);
  if (!svc) return fail('ServiceNotFound', `Service ${ns}/${name} not found`);
  const sp = servicePorts(svc).find((p) => (port.name ? p.name === port.name : p.port === port.number));
  if (!sp) return fail('ServicePortNotFound', `Service ${ns}/${name} has no port ${portText}`);
  if ((sp.protocol ?? 'TCP') !== 'TCP') return fail('ServicePortNotFound', `Service ${ns}/${name} port ${portText} is not TCP`);
  const route = routes.get(`${ns}/${name}`);
  const pr = route?.ports.find((p) => p.port === sp.port && p.protocol === 'TCP');
  if (!route || !pr) return fail('UnsupportedService', `Service ${ns}/${name} has no ClusterIP (ExternalName Services are not routed)`);
  return { backend: { id, clusterIP: route.ip, servicePort: sp.port, endpoints: pr.endpoints } };
}

function list<K>(m: Map<K, PathRule[]>, k: K): PathRule[] {
  let l = m.get(k);
  if (!l) m.set(k, (l = []));
  return l;
}

const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
