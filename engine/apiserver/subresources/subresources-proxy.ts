// pods/proxy and services/proxy: HTTP relayed to a pod (upstream's pod and service
// ResourceLocation, pkg/registry/core/{pod,service}). The id is `name`, `name:port` or
// `scheme:name:port`. Where the API server may connect is narrowed as upstream does: a pod's
// own IP only when it is a global unicast address ("address not allowed" otherwise), and a
// Service's endpoint only when it is the IP of the Pod its targetRef names in the same
// namespace — so neither a pod's status nor a hand-written Endpoints can make the API server
// dial the host's loopback, link-local or metadata addresses. RBAC has already checked
// `<verb> pods/proxy` or `services/proxy` on the id (request-info.ts).
import { posix } from 'node:path';
import type { KubeObject } from '../../kinds/types';
import type { HttpSubresourceCall, SubresourceHandler } from '../handler-deps';
import { errors } from '../status';
import { isDialableEndpointIP } from '../../kinds/endpoint-addresses';
import { relayHttp, type ProxyTarget } from '../streaming/http-proxy';
import { connectTarget, proxyOptions } from '../admission/connect-options';

export const PROXY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** utilnet.SplitSchemeNamePort: undefined when the id is not one of the three forms. */
export function splitSchemeNamePort(id: string): { scheme: '' | 'http' | 'https'; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) [name] = parts;
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme: scheme, name, port };
}

/**
 * The backend path: what follows `/<plural>/<id>/proxy` (the prefix) in the raw request path,
 * cleaned of `.`/`..` as upstream's path.Join does, keeping a trailing slash; '' when nothing
 * follows.
 */
export function proxySubpath(rawPath: string, plural: string, id: string): { prefix: string; path: string } {
  const segs = rawPath.split('/');
  for (let i = 0; i + 2 < segs.length; i++) {
    if (segs[i] !== plural || segs[i + 2] !== 'proxy') continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segs[i + 1]);
    } catch {
      continue;
    }
    if (decoded !== id) continue;
    const prefix = segs.slice(0, i + 3).join('/');
    const rest = segs.slice(i + 3).join('/');
    if (!rest) return { prefix, path: segs.length > i + 3 ? '/' : '' };
    const clean = posix.normalize(`/${rest}`);
    return { prefix, path: rest.endsWith('/') && !clean.endsWith('/') ? `${clean}/` : clean };
  }
  return { prefix: rawPath, path: '' };
}

const bracket = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);

function podIPs(pod: KubeObject): string[] {
  const status = (pod.status ?? {}) as { podIP?: string; podIPs?: Array<{ ip?: string }> };
  const ips = (status.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string');
  return ips.length ? ips : status.podIP ? [status.podIP] : [];
}

export type Location = { scheme: 'http' | 'https'; host: string; port: number };
/** What resolving a proxy id needs of the call (the upgrade path has no HTTP call to give). */
export type LocateCall = Pick<HttpSubresourceCall, 'deps' | 'def' | 'ns'>;

/**
 * Admission's CONNECT step for .../proxy, as upstream runs it before connecting: webhooks and
 * policies see Pod/Service/NodeProxyOptions with the path, on the URL's name (port included).
 */
export async function admitProxy(call: Pick<HttpSubresourceCall, 'deps' | 'def' | 'ns' | 'name' | 'request'>, path: string) {
  const { deps, def, ns, name, request } = call;
  await deps.admitConnect?.(def, connectTarget(name, def.namespaced ? ns : undefined), proxyOptions(def.kind, path), 'proxy', request);
}

function portNumber(port: string): number | undefined {
  if (!/^\d{1,5}$/.test(port)) return undefined;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? n : undefined;
}

export async function podLocation({ deps, def, ns }: LocateCall, id: string): Promise<Location> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw errors.badRequest(`invalid pod request ${JSON.stringify(id)}`);
  const pod = await deps.resources.get(def, ns, parsed.name);
  type Container = { ports?: Array<{ containerPort?: number; name?: string }> };
  const containers = (pod.spec as { containers?: Container[] } | undefined)?.containers ?? [];
  let port = parsed.port;
  // No port: the first declared container port, as upstream.
  if (!port) port = String(containers.find((c) => c.ports?.length)?.ports?.[0]?.containerPort ?? '');
  const ip = podIPs(pod)[0] ?? '';
  if (!isDialableEndpointIP(ip)) throw errors.badRequest('address not allowed');
  const scheme = parsed.scheme || 'http';
  if (!port) return { scheme, host: ip, port: scheme === 'https' ? 443 : 80 };
  // A port name is looked up among the containers' ports (Go's dialer would not know it).
  const n = portNumber(port) ?? containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port)?.containerPort;
  if (!n) throw errors.serviceUnavailable(`error trying to reach service: dial tcp: address ${bracket(ip)}:${port}: unknown port`);
  return { scheme, host: ip, port: n };
}

interface EndpointAddress {
  ip?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export async function serviceLocation({ deps, def, ns }: LocateCall, id: string): Promise<Location> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw errors.badRequest(`invalid service request ${JSON.stringify(id)}`);
  let portName = parsed.port;
  const number = /^-?\d+$/.test(portName) ? Number(portName) : undefined;
  if (number !== undefined) {
    const svc = await deps.resources.get(def, ns, parsed.name);
    const ports = ((svc.spec as { ports?: Array<{ port?: number; name?: string }> } | undefined)?.ports ?? []) as Array<{
      port?: number;
      name?: string;
    }>;
    const found = ports.find((p) => p.port === number);
    if (!found) throw errors.serviceUnavailable(`no service port ${number} found for service ${JSON.stringify(parsed.name)}`);
    portName = found.name ?? '';
  }
  const epDef = deps.kinds.byResource('', 'v1', 'endpoints');
  const podDef = deps.kinds.byResource('', 'v1', 'pods');
  const eps = epDef ? await deps.resources.get(epDef, ns, parsed.name) : undefined;
  type Subset = { addresses?: EndpointAddress[]; ports?: Array<{ name?: string; port?: number }> };
  const subsets = (eps as { subsets?: Subset[] } | undefined)?.subsets ?? [];
  if (!subsets.length) throw errors.serviceUnavailable(`no endpoints available for service ${JSON.stringify(parsed.name)}`);
  for (const ss of shuffled(subsets)) {
    const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!port?.port) continue;
    for (const addr of shuffled(ss.addresses ?? [])) {
      if (podDef && addr.ip && (await isPodAddress(deps, podDef, ns, addr))) {
        return { scheme: parsed.scheme || 'http', host: addr.ip, port: port.port };
      }
    }
  }
  throw errors.serviceUnavailable(`no endpoints available for service ${JSON.stringify(id)}`);
}

/** upstream's isValidAddress: the address is an IP of the Pod its targetRef names, in this namespace. */
async function isPodAddress(
  deps: HttpSubresourceCall['deps'],
  podDef: HttpSubresourceCall['def'],
  ns: string | undefined,
  addr: EndpointAddress,
): Promise<boolean> {
  const ref = addr.targetRef;
  if (!ref?.name || ref.kind !== 'Pod' || ref.namespace !== ns || !isDialableEndpointIP(addr.ip ?? '')) return false;
  const pod = await deps.resources.get(podDef, ns, ref.name).catch(() => undefined);
  return !!pod && podIPs(pod).includes(addr.ip!);
}

function shuffled<T>(xs: T[]): T[] {
  const start = Math.floor(Math.random() * Math.max(xs.length, 1));
  return [...xs.slice(start), ...xs.slice(0, start)];
}

function proxyHandler(locate: (call: LocateCall, id: string) => Promise<Location>): SubresourceHandler {
  return {
    methods: PROXY_METHODS,
    async serve(call) {
      const { req, res, def, name, method } = call;
      if (!res) throw errors.methodNotAllowed();
      const rawPath = (req.url ?? '').split('?')[0];
      const { prefix, path } = proxySubpath(rawPath, def.plural, name);
      await admitProxy(call, path);
      const loc = await locate(call, name);
      // The backend's root needs a trailing slash (upstream's proxyRedirectsforRootPath).
      if (!path && (method === 'GET' || method === 'HEAD')) {
        const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
        res.writeHead(301, { Location: `${rawPath}/${query}`, 'Content-Length': '0' });
        res.end();
        return undefined;
      }
      const target: ProxyTarget = { ...loc, path: path || '/' };
      await relayHttp(req, res, target, { prefix });
      return undefined;
    },
  };
}

export const podProxy = proxyHandler(podLocation);
export const serviceProxy = proxyHandler(serviceLocation);
