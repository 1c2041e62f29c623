// The headers the ingress sends on, as flat [name, value, name, value, ...] lists (what node's
// request and writeHead take without building a header object per message): the hop-by-hop ones
// and those the Connection header names dropped (RFC 9110 §7.6.1), the client's X-Forwarded-*
// replaced by ours, and a route's header edits applied.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { HOP_BY_HOP } from '../../apimachinery/hop-by-hop';
import { editRawHeaders, type HeaderEdit } from './header-edits';

const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip']);

/** Header names a Connection header lists besides its usual tokens (none: undefined, the common case). */
function connectionNamed(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const text = String(value).toLowerCase();
  if (text === 'keep-alive' || text === 'close' || text === 'upgrade') return undefined;
  return new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** The value of the first header called `name` (lower case) in a flat list. */
export function rawHeader(list: string[], name: string): string | undefined {
  for (let i = 0; i < list.length; i += 2) if (list[i].toLowerCase() === name) return list[i + 1];
  return undefined;
}

/**
 * A request's headers for the pod. `keepUpgrade` keeps Upgrade and Connection (a WebSocket
 * handshake); `defaultHost` is the Host sent when the client sent none (an HTTP/1.0 client).
 */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  o: { keepUpgrade: boolean; edit?: HeaderEdit; upstreamHost?: string; defaultHost: string },
): string[] {
  const named = connectionNamed(req.headers.connection);
  const raw = req.rawHeaders;
  let out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (FORWARDED.has(k)) continue;
    if ((HOP_BY_HOP.has(k) || named?.has(k)) && !(o.keepUpgrade && (k === 'upgrade' || k === 'connection'))) continue;
    out.push(raw[i], raw[i + 1]);
  }
  // The client is always a local process: its address is the only one we vouch for.
  let client = req.socket.remoteAddress ?? '';
  if (client.startsWith('::ffff:')) client = client.slice(7);
  out.push(
    'X-Forwarded-For',
    client,
    'X-Real-IP',
    client,
    'X-Forwarded-Proto',
    (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    'X-Forwarded-Host',
    req.headers.host ?? '',
    'X-Forwarded-Port',
    String(req.socket.localPort ?? ''),
  );
  if (o.edit) out = editRawHeaders(out, o.edit);
  if (o.upstreamHost !== undefined) {
    const kept: string[] = [];
    for (let i = 0; i < out.length; i += 2) if (out[i].toLowerCase() !== 'host') kept.push(out[i], out[i + 1]);
    kept.push('Host', o.upstreamHost);
    return kept;
  }
  if (rawHeader(out, 'host') === undefined) out.push('Host', o.defaultHost);
  return out;
}

/** A response's headers for the client (hop-by-hop ones dropped, the route's edits applied). */
export function clientResponseHeaders(res: IncomingMessage, edit: HeaderEdit | undefined): string[] {
  const named = connectionNamed(res.headers.connection);
  const raw = res.rawHeaders;
  const out: string[] = [];
  for (let k = 0; k < raw.length; k += 2) {
    const name = raw[k].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named?.has(name)) out.push(raw[k], raw[k + 1]);
  }
  return editRawHeaders(out, edit);
}
