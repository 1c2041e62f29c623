// One local TCP connection carried over the Kubernetes port-forward WebSocket
// (v4.channel.k8s.io, as client-node speaks it): channel 0 carries data, channel 1 errors, and
// the first 2 bytes the server sends on each channel are the port (little-endian). Bytes flow
// both ways with back-pressure; an error on channel 1 ends the connection and is reported.
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import { describeConnectError } from '../proxy/kube-status';
import { upstreamPath, type KubeTarget } from '../proxy/kube-target';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const HIGH_WATER = 1 << 20;

export interface TunnelOptions {
  target: KubeTarget;
  namespace: string;
  pod: string;
  port: number;
  /**
   * Upgrade refused with this HTTP status and message (pod gone, forbidden, ...): no byte moved
   * yet. Return true to keep the socket (paused, listeners removed) for another attempt.
   */
  onRefused(status: number, message: string): boolean;
  /** The pod side failed (error channel) or the API server could not be reached. */
  onError(message: string): void;
  /** The first bytes came back from the pod: the path works. */
  onFlowing?(): void;
  onClose(): void;
}

export interface Tunnel {
  close(): void;
}

export function portForwardUrl(t: KubeTarget, namespace: string, pod: string, port: number): string {
  const base = new URL(t.server.href);
  base.protocol = t.secure ? 'wss:' : 'ws:';
  const path = upstreamPath(
    t.server,
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward`,
    `?ports=${port}`,
  );
  return `${base.protocol}//${base.host}${path}`;
}

const asBuffer = (d: RawData): Buffer => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d));

/** Pipes `sock` (paused until the tunnel opens) to the pod's port. */
export function openTunnel(sock: Socket, o: TunnelOptions): Tunnel {
  sock.pause();
  const ws = new WebSocket(portForwardUrl(o.target, o.namespace, o.pod, o.port), [PORT_FORWARD_PROTOCOL], {
    ...(o.target.options as object),
    headers: { ...o.target.headers, 'user-agent': 'skiff-app' },
    perMessageDeflate: false,
    handshakeTimeout: 30_000,
  });
  // Bytes of the port prefix still to skip, per channel.
  const prefix = [2, 2];
  let settled = false;
  let opened = false;
  let flowing = false;
  const finish = (keepSocket = false) => {
    if (settled) return;
    settled = true;
    if (keepSocket) {
      sock.off('data', onData);
      sock.off('error', onSockError);
      sock.off('close', onSockClose);
    } else if (!sock.destroyed) sock.end();
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.terminate();
    o.onClose();
  };

  ws.on('unexpected-response', (_req, res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let message = text.trim().slice(0, 300);
      try {
        const s = JSON.parse(text);
        if (typeof s?.message === 'string') message = s.message;
      } catch {
        /* not a Status: keep the text */
      }
      const keep = !settled && o.onRefused(res.statusCode ?? 0, message || `HTTP ${res.statusCode}`);
      if (!keep) sock.destroy();
      finish(keep);
    });
    res.on('error', () => {
      sock.destroy();
      finish();
    });
  });
  ws.on('error', (err) => {
    if (settled) return; // our own terminate() after finishing
    o.onError(
      opened
        ? `the port-forward stream failed: ${err.message}`
        : `cannot reach the API server (${o.target.server.origin}): ${describeConnectError(err, o.target.server)}`,
    );
    sock.destroy();
    finish();
  });
  ws.on('open', () => {
    opened = true;
    sock.resume();
  });
  ws.on('message', (raw, isBinary) => {
    if (!isBinary) return;
    const data = asBuffer(raw);
    const channel = data[0];
    if (channel !== 0 && channel !== 1) return;
    let payload = data.subarray(1);
    if (prefix[channel] > 0) {
      const skip = Math.min(prefix[channel], payload.length);
      prefix[channel] -= skip;
      payload = payload.subarray(skip);
    }
    if (!payload.length) return;
    if (channel === 1) {
      // The pod side failed (refused port, pod gone): this connection is over.
      if (!settled) o.onError(payload.toString('utf8').trim());
      sock.destroy();
      finish();
      return;
    }
    if (!flowing) {
      flowing = true;
      o.onFlowing?.();
    }
    if (!sock.write(payload)) {
      ws.pause();
      sock.once('drain', () => ws.resume());
    }
  });
  ws.on('close', () => finish());

  let waiting = false;
  const onData = (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([0]), chunk]), { binary: true }, () => {
      if (waiting && ws.bufferedAmount < HIGH_WATER / 2) {
        waiting = false;
        sock.resume();
      }
    });
    if (ws.bufferedAmount > HIGH_WATER) {
      waiting = true;
      sock.pause();
    }
  };
  const onSockError = () => sock.destroy();
  // A half-closed client may still read the answer: only a fully closed socket ends the tunnel.
  const onSockClose = () => finish();
  sock.on('data', onData);
  sock.on('error', onSockError);
  sock.on('close', onSockClose);

  return {
    close: () => {
      sock.destroy();
      finish();
    },
  };
}
