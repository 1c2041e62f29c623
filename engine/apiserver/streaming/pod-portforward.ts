// pods/{name}/portforward: validates the request, then speaks one of the three wire protocols
// kubectl and client-node use around NodeStreams.portForward (one TCP connection per forwarded
// client connection): SPDY/3.1 portforward.k8s.io, the same SPDY tunnelled in WebSocket
// (kubectl 1.31+), or WebSocket channels (client-node, and others naming ports in the query).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import type { NodeStreams } from '../../client/node-streams';
import { errors } from '../status';
import { serveSpdyPortForward } from './pod-portforward-spdy';
import { channelPortForward } from './pod-portforward-ws';

export const PORTFORWARD_PROTOCOL = 'portforward.k8s.io';
export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io', 'channel.k8s.io'];

interface WsServer {
  on(event: 'headers', cb: (headers: string[], req: IncomingMessage) => void): void;
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, cb: (ws: WsSocket) => void): void;
}
export interface WsSocket {
  protocol: string;
  readyState: number;
  OPEN: number;
  send(data: Buffer, opts: { binary: boolean }): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', cb: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'close' | 'error', cb: () => void): void;
}
// ws ships no type declarations; only this handshake/stream surface is used.
const ws = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (opts: Record<string, unknown>) => WsServer;
  createWebSocketStream(ws: WsSocket, opts?: Record<string, unknown>): Duplex;
};

const pickProtocol = (offered: Set<string>) => {
  if (offered.has(SPDY_TUNNEL_PROTOCOL) || offered.has(TUNNEL_ALIAS)) return SPDY_TUNNEL_PROTOCOL;
  return CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false;
};
const wss = new ws.WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: pickProtocol });
// ws rejects subprotocols that are not RFC 7230 tokens, and kubectl's tunnel protocol contains
// a '/': we hand ws a token alias and put the real name back into the 101 response.
const TUNNEL_ALIAS = 'skiff-spdy-3.1-portforward';
wss.on('headers', (headers) => {
  for (let i = 0; i < headers.length; i++) {
    if (/^sec-websocket-protocol:/i.test(headers[i]) && headers[i].includes(TUNNEL_ALIAS))
      headers[i] = `Sec-WebSocket-Protocol: ${SPDY_TUNNEL_PROTOCOL}`;
  }
});

/** Parses the ports query (repeated or comma-separated), as the channel protocol needs them. */
export function parsePorts(q: URLSearchParams): number[] {
  const raw = q
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  return raw.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw errors.badRequest(`invalid port "${p}"`);
    return n;
  });
}

/** Upstream only forwards into running pods. */
export function assertRunning(pod: KubeObject): void {
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running')
    throw errors.badRequest(`pod ${pod.metadata?.name} is not running (current phase is ${phase}): unable to forward ports`);
}

export async function handlePortForwardUpgrade(
  pod: KubeObject,
  streams: NodeStreams,
  q: URLSearchParams,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  assertRunning(pod);
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = new Set(
      String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const protocol = pickProtocol(offered);
    if (!protocol) throw errors.badRequest(`none of the offered subprotocols are supported: ${[...offered].join(', ')}`);
    const ports = protocol === SPDY_TUNNEL_PROTOCOL ? [] : parsePorts(q);
    if (protocol !== SPDY_TUNNEL_PROTOCOL && ports.length === 0) throw errors.badRequest('query parameter "ports" is required');
    if (protocol === SPDY_TUNNEL_PROTOCOL) req.headers['sec-websocket-protocol'] = TUNNEL_ALIAS;
    const conn = await new Promise<WsSocket>((resolve) => wss.handleUpgrade(req, socket, head, resolve));
    if (protocol === SPDY_TUNNEL_PROTOCOL) {
      // Every binary message carries SPDY bytes; the SPDY session runs unchanged on top.
      const tunnel = ws.createWebSocketStream(conn);
      tunnel.on('error', () => tunnel.destroy());
      serveSpdyPortForward(tunnel, Buffer.alloc(0), pod, streams);
    } else {
      channelPortForward(conn, pod, streams, ports);
    }
    return;
  }
  if (upgrade === 'spdy/3.1') {
    const raw = req.headers['x-stream-protocol-version'];
    const offered = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((s) => s.trim());
    if (!offered.includes(PORTFORWARD_PROTOCOL))
      throw errors.badRequest(`unable to upgrade: the client must offer ${PORTFORWARD_PROTOCOL}`);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORTFORWARD_PROTOCOL}\r\n\r\n`,
    );
    serveSpdyPortForward(socket, head, pod, streams);
    return;
  }
  throw errors.badRequest(`unable to upgrade: unsupported protocol ${String(req.headers.upgrade ?? '')}`);
}

/** The message upstream puts on a port's error stream when the pod side fails. */
export function forwardErrorMessage(pod: KubeObject, port: number, err: unknown): string {
  const msg = (err as Error)?.message ?? String(err);
  return `error forwarding port ${port} to pod ${pod.metadata?.uid ?? pod.metadata?.name}, uid : ${msg}`;
}
