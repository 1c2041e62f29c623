// The Kubernetes WebSocket channel protocols (v5/v4/v3/v2.channel.k8s.io, channel.k8s.io):
// binary frames whose first byte is the channel. kubectl 1.30+ and client-node use these.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import { queuedSlot, type ExecStatus, type ExecTransport } from './streaming/pod-exec';

export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

const STDIN = 0,
  STDOUT = 1,
  STDERR = 2,
  ERROR = 3,
  RESIZE = 4,
  CLOSE = 255;

/** The first protocol we speak from the client's offer (its preference order wins), or undefined. */
export function pickChannelProtocol(offered: Iterable<string>): string | undefined {
  for (const p of offered) if (CHANNEL_PROTOCOLS.includes(p)) return p;
  return undefined;
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

// One handshake-only server: ws handles framing, masking and ping/pong for us. Made on the
// first exec/attach/port-forward, so loading ws is not part of every API server's start.
let wss: Promise<WebSocketServer> | undefined;
const channelServer = () =>
  (wss ??= import('ws').then(
    ({ WebSocketServer }) =>
      new WebSocketServer({ noServer: true, handleProtocols: (set) => pickChannelProtocol(set) ?? false, perMessageDeflate: false }),
  ));

export async function acceptChannelWebSocket(req: IncomingMessage, socket: Socket, head: Buffer): Promise<WebSocket> {
  const server = await channelServer();
  return new Promise((resolve) => server.handleUpgrade(req, socket, head, (ws) => resolve(ws)));
}

/** Wraps an accepted channel WebSocket as an ExecTransport. */
export function channelTransport(ws: WebSocket): ExecTransport {
  const proto = ws.protocol;
  const v4plus = proto === 'v4.channel.k8s.io' || proto === 'v5.channel.k8s.io';
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  const stdin = queuedSlot<[Buffer | null]>();
  const resize = queuedSlot<[number, number]>();
  const closed = queuedSlot<[]>();
  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    let data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    // channel.k8s.io without binary: base64 text is another protocol; we only speak binary.
    if (!isBinary && data.length === 0) return;
    if (data.length === 0) return;
    const channel = data[0];
    data = data.subarray(1);
    if (channel === STDIN) {
      if (data.length > 0) stdin.call(data);
    } else if (channel === RESIZE) {
      try {
        const size = JSON.parse(data.toString('utf8'));
        resize.call(Number(size.Width) || 0, Number(size.Height) || 0);
      } catch {
        // Malformed resize messages are ignored, as upstream does.
      }
    } else if (channel === CLOSE && proto === 'v5.channel.k8s.io') {
      if (data[0] === STDIN) stdin.call(null);
    }
  });
  ws.on('close', () => closed.call());
  ws.on('error', () => closed.call());
  return {
    onStdin: (cb) => stdin.set(cb),
    onResize: (cb) => resize.set(cb),
    onClose: (cb) => closed.set(cb),
    writeStdout: (b) => send(STDOUT, b),
    writeStderr: (b) => send(STDERR, b),
    finish(status: ExecStatus) {
      // Before v4 the error channel carries plain text, and nothing on success.
      if (v4plus) send(ERROR, Buffer.from(JSON.stringify(status)));
      else if (status.status !== 'Success') send(ERROR, Buffer.from(String(status.message ?? 'error')));
      ws.close(1000);
    },
  };
}
