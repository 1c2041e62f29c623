// Turns a request into what the ingress proxy does with it when an HTTPRoute matches: a redirect,
// an answer in plain words (500 for a rule or backend that cannot serve, as the Gateway API asks;
// 503 when the chosen Service has no ready endpoint), or a backend chosen by smooth weighted
// round-robin with the rule's rewrites and header edits.
import type { IncomingMessage } from 'node:http';
import type { ProxyRoute, ProxyAnswer } from '../ingress/ingress-proxy';
import { matchHttpRoute, type CompiledRule, type HttpRouteTable } from './http-route-table';
import { createWeightedPicker, type WeightedPicker } from './weighted-picker';
import { createShareCounter } from './mirror-share';
import type { HeaderModifier, HttpFilter, PathModifier } from './gateway-types';

export interface GatewayRouter {
  route(req: IncomingMessage, host: string, secure: boolean, grpc?: boolean): ProxyRoute | ProxyAnswer | undefined;
}

export function createGatewayRouter(o: { table(): HttpRouteTable; ports(): { http?: number; https?: number } }): GatewayRouter {
  // Kept across table rebuilds while a rule's weights stay the same, so splits stay exact.
  const pickers = new Map<string, { weights: string; picker: WeightedPicker }>();
  const mirrorCounts = createShareCounter();
  let lastTable: HttpRouteTable | undefined;

  function pickerFor(rule: CompiledRule): WeightedPicker {
    const k = `${rule.kind ?? 'HTTPRoute'} ${rule.route}#${rule.ruleIndex}`;
    const weights = rule.backends.map((b) => b.weight);
    const w = weights.join(',');
    let p = pickers.get(k);
    if (!p || p.weights !== w) pickers.set(k, (p = { weights: w, picker: createWeightedPicker(weights) }));
    return p.picker;
  }

  return {
    route(req, host, secure, grpc = false) {
      const table = o.table();
      if (table !== lastTable && pickers.size > 1000) {
        pickers.clear();
        mirrorCounts.clear();
      }
      lastTable = table;
      const url = req.url ?? '/';
      const port = req.socket.localPort;
      const hit = matchHttpRoute(table, { host, url, method: req.method ?? 'GET', headers: req.headers, secure, grpc, port });
      // A listener's own port serves its routes only (never the Ingress rules).
      if (!hit && port !== undefined && table.ports.has(port))
        return {
          status: 404,
          body: `No route of the Gateway listener on port ${port} matches host "${host}" and path "${url.split('?')[0]}".`,
        };
      if (!hit) return undefined;
      const { rule } = hit;
      const label = `${rule.kind ?? 'HTTPRoute'} ${rule.route}`;
      if (rule.problem) return { status: 500, body: `${rule.problem} (${label}).` };
      const redirect = rule.filters.find((f) => f.type === 'RequestRedirect')?.requestRedirect;
      if (redirect) {
        const scheme = redirect.scheme ?? (secure ? 'https' : 'http');
        const ports = o.ports();
        // Without a port: the ingress's port for the scheme (its stand-in for 80/443), or the one
        // asked on when only the path changes; a redirect to another host names none (upstream's
        // listener port 80/443 there).
        const port =
          redirect.port ??
          (redirect.scheme
            ? scheme === 'https'
              ? ports.https
              : ports.http
            : redirect.hostname && redirect.hostname !== host
              ? undefined
              : req.socket.localPort);
        const showPort = port && port !== (scheme === 'https' ? 443 : 80) ? `:${port}` : '';
        const location = `${scheme}://${redirect.hostname ?? host}${showPort}${rewritePath(url, redirect.path, hit.prefix)}`;
        return { status: redirect.statusCode ?? 302, body: `${label} redirects to ${location}`, location };
      }
      if (!rule.backends.length) return { status: 500, body: `the rule has no backendRefs (${label}).` };
      const i = pickerFor(rule).pick();
      if (i === undefined) return { status: 500, body: `every backendRef of the rule has weight 0 (${label}).` };
      const chosen = rule.backends[i];
      if (chosen.backend.problem) return { status: 500, body: `${chosen.backend.problem} (${label}).` };
      if (!chosen.backend.endpoints.length)
        return { status: 503, body: `Service ${chosen.backend.id} has no ready endpoints (${label}): no pod behind it is Ready.` };
      const filters: HttpFilter[] = [...rule.filters, ...chosen.filters];
      const rewrite = filters.find((f) => f.type === 'URLRewrite')?.urlRewrite;
      const mirrors = (rule.mirrors ?? []).filter((m, k) => mirrorCounts.take(`${label}#${rule.ruleIndex}/${k}`, m)).map((m) => m.backend);
      return {
        backend: chosen.backend,
        ingress: label,
        ...(rewrite?.path ? { upstreamPath: rewritePath(url, rewrite.path, hit.prefix) } : {}),
        ...(rewrite?.hostname ? { upstreamHost: rewrite.hostname } : {}),
        requestHeaders: mergeEdits(filters.map((f) => f.requestHeaderModifier)),
        responseHeaders: mergeEdits(filters.map((f) => f.responseHeaderModifier)),
        ...(mirrors.length ? { mirrors } : {}),
      };
    },
  };
}

function mergeEdits(mods: (HeaderModifier | undefined)[]): HeaderModifier | undefined {
  const present = mods.filter((m): m is HeaderModifier => !!m);
  if (!present.length) return undefined;
  return {
    set: present.flatMap((m) => m.set ?? []),
    add: present.flatMap((m) => m.add ?? []),
    remove: present.flatMap((m) => m.remove ?? []),
  };
}

/** A path (with query) after a ReplaceFullPath or ReplacePrefixMatch; the query is kept. */
export function rewritePath(url: string, mod: PathModifier | undefined, prefix: string | undefined): string {
  if (!mod) return url;
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q) : '';
  if (mod.type === 'ReplaceFullPath') return (mod.replaceFullPath || '/') + query;
  if (prefix === undefined) return url;
  const rest = prefix === '/' ? path : path.slice(prefix.length);
  const base = (mod.replacePrefixMatch ?? '/').replace(/\/+$/, '');
  const joined = base + (rest === '' || rest.startsWith('/') ? rest : `/${rest}`);
  return (joined || '/') + query;
}
