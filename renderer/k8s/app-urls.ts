// The URLs an Ingress or HTTPRoute answers on, for links in the app. On a local Skiff cluster
// the built-in ingress serves every Ingress on two 127.0.0.1 ports (HTTP and HTTPS), and so the
// Gateway listeners on port 80 or 443 (or naming the ingress's port); a listener naming any other
// port is served on that port of 127.0.0.1 (engine/network/gateway/listener-ports.ts). A listener
// the Gateway's status reports not Programmed (its port taken, a conflict) gets no link. Elsewhere
// the standard ports, or the listener's own port, are assumed.
import type { KubeObject } from './types';
import { ownPort } from '../../engine/apimachinery/gateway-listener-port';

/** The built-in ingress's ports (a local cluster's cluster.json); undefined: not a local Skiff cluster. */
export interface IngressPorts {
  http?: number;
  https?: number;
}

export interface AppUrl {
  url: string;
  host: string;
  path: string;
  /** The Service the rule sends to (name:port), when the rule names one. */
  backend?: string;
}

interface Backend {
  service?: { name: string; port?: { number?: number; name?: string } };
}
interface IngressShape {
  spec?: {
    defaultBackend?: Backend;
    tls?: { hosts?: string[] }[];
    rules?: { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: Backend }[] } }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
}
interface ListenerStatus {
  name: string;
  conditions?: { type: string; status: string }[];
}
interface RouteShape {
  metadata: { namespace?: string };
  spec?: {
    hostnames?: string[];
    parentRefs?: { group?: string; kind?: string; namespace?: string; name: string; sectionName?: string; port?: number }[];
    rules?: { matches?: { path?: { type?: string; value?: string } }[]; backendRefs?: { name: string; port?: number; kind?: string }[] }[];
  };
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

function urlOf(scheme: 'http' | 'https', host: string, port: number | undefined, path: string): string {
  const standard = scheme === 'http' ? 80 : 443;
  const p = port === undefined || port === standard ? '' : `:${port}`;
  return `${scheme}://${host}${p}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A path one can open: a literal prefix or exact path (regular expressions and wildcards: the root). */
function openablePath(path: string | undefined, type: string | undefined): string {
  if (!path || type === 'RegularExpression' || /[\\^$*+?()[\]{}|]/.test(path)) return '/';
  return path;
}

const concreteHost = (h: string | undefined): h is string => !!h && !h.includes('*');

function backendText(b: Backend | undefined): string | undefined {
  const s = b?.service;
  if (!s) return undefined;
  const port = s.port?.number ?? s.port?.name;
  return port === undefined ? s.name : `${s.name}:${port}`;
}

function dedupe(urls: AppUrl[]): AppUrl[] {
  const seen = new Set<string>();
  return urls.filter((u) => !seen.has(u.url) && !!seen.add(u.url));
}

/** The address a host-less rule answers on: the status address, else 127.0.0.1 on a local cluster. */
function addressOf(ing: IngressShape, local: boolean): string | undefined {
  const lb = ing.status?.loadBalancer?.ingress?.[0];
  return lb?.hostname || lb?.ip || (local ? '127.0.0.1' : undefined);
}

export function ingressUrls(obj: KubeObject, ports: IngressPorts | undefined): AppUrl[] {
  const ing = obj as unknown as IngressShape;
  const tlsHosts = new Set((ing.spec?.tls ?? []).flatMap((t) => t.hosts ?? []));
  const out: AppUrl[] = [];
  const add = (host: string | undefined, path: string, backend: string | undefined) => {
    const h = host ?? addressOf(ing, !!ports);
    if (!concreteHost(h)) return; // a wildcard host names no one address to open
    const secure = !!host && tlsHosts.has(host);
    const port = secure ? ports?.https : ports?.http;
    if (ports && port === undefined) return; // that listener is not up
    out.push({ url: urlOf(secure ? 'https' : 'http', h, port, path), host: h, path, ...(backend ? { backend } : {}) });
  };
  for (const rule of ing.spec?.rules ?? []) {
    const paths = rule.http?.paths ?? [];
    if (!paths.length) add(rule.host, '/', backendText(ing.spec?.defaultBackend));
    for (const p of paths) add(rule.host, openablePath(p.path, p.pathType), backendText(p.backend));
  }
  if (!ing.spec?.rules?.length && ing.spec?.defaultBackend) add(undefined, '/', backendText(ing.spec.defaultBackend));
  return dedupe(out);
}

/** Whether a route host name falls under a listener's (exact, or one label under a `*.` wildcard). */
function hostMatches(listener: string | undefined, route: string): boolean {
  if (!listener) return true;
  if (listener.startsWith('*.')) return route.endsWith(listener.slice(1)) && route.length > listener.length - 1;
  return listener === route;
}

/** The port a listener answers on: locally the engine's rule (ownPort), elsewhere the listener's port. */
function listenerPort(l: Listener, scheme: 'http' | 'https', ports: IngressPorts | undefined): number | undefined {
  if (!ports) return l.port;
  return ownPort(l, ports) ?? (scheme === 'https' ? ports.https : ports.http);
}

/** Whether the Gateway's status says the listener is not served (Programmed False); unknown counts as served. */
function notProgrammed(gw: KubeObject | undefined, name: string): boolean {
  const ls = (gw?.status as { listeners?: ListenerStatus[] } | undefined)?.listeners;
  return ls?.find((s) => s.name === name)?.conditions?.find((c) => c.type === 'Programmed')?.status === 'False';
}

/** Gateways by "namespace/name" (those the route's parents name; missing ones are skipped). */
export function httpRouteUrls(obj: KubeObject, gateways: Map<string, KubeObject>, ports: IngressPorts | undefined): AppUrl[] {
  const route = obj as unknown as RouteShape;
  const ns = route.metadata.namespace ?? 'default';
  const paths = (route.spec?.rules ?? []).flatMap((r) => {
    const backend = r.backendRefs?.find((b) => !b.kind || b.kind === 'Service');
    const text = backend ? (backend.port === undefined ? backend.name : `${backend.name}:${backend.port}`) : undefined;
    const ps = (r.matches?.length ? r.matches : [{}]).map((m) => openablePath(m.path?.value, m.path?.type));
    return ps.map((path) => ({ path, backend: text }));
  });
  if (!paths.length) paths.push({ path: '/', backend: undefined });
  const out: AppUrl[] = [];
  for (const ref of route.spec?.parentRefs ?? []) {
    if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
    const gw = gateways.get(`${ref.namespace ?? ns}/${ref.name}`);
    const listeners = ((gw?.spec as { listeners?: Listener[] } | undefined)?.listeners ?? []).filter(
      (l) => (!ref.sectionName || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port),
    );
    for (const l of listeners) {
      const scheme = l.protocol === 'HTTPS' ? 'https' : l.protocol === 'HTTP' ? 'http' : undefined;
      if (!scheme || notProgrammed(gw, l.name)) continue;
      const port = listenerPort(l, scheme, ports);
      if (port === undefined) continue;
      const named = route.spec?.hostnames?.length ? route.spec.hostnames.filter((h) => hostMatches(l.hostname, h)) : [l.hostname];
      const hosts = named.map((h) => h ?? (ports ? '127.0.0.1' : undefined)).filter(concreteHost);
      for (const host of hosts)
        for (const p of paths)
          out.push({ url: urlOf(scheme, host, port, p.path), host, path: p.path, ...(p.backend ? { backend: p.backend } : {}) });
    }
  }
  return dedupe(out);
}

/** "namespace/name" of each Gateway the route's parents name. */
export function parentGateways(obj: KubeObject): string[] {
  const route = obj as unknown as RouteShape;
  const ns = route.metadata.namespace ?? 'default';
  return [
    ...new Set(
      (route.spec?.parentRefs ?? [])
        .filter((r) => (r.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (r.kind ?? 'Gateway') === 'Gateway')
        .map((r) => `${r.namespace ?? ns}/${r.name}`),
    ),
  ];
}

/** Ready and total endpoints per Service name, from EndpointSlices (ready unless a condition says not). */
export function readyByService(slices: KubeObject[]): Map<string, { ready: number; total: number }> {
  const out = new Map<string, { ready: number; total: number }>();
  for (const s of slices) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const c = out.get(svc) ?? { ready: 0, total: 0 };
    for (const e of (s.endpoints ?? []) as { conditions?: { ready?: boolean } }[]) {
      c.total++;
      if (e.conditions?.ready !== false) c.ready++;
    }
    out.set(svc, c);
  }
  return out;
}
