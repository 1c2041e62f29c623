// portforward.k8s.io over SPDY: for every client connection kubectl opens an error stream and
// a data stream sharing a requestID (and naming the port). Once both exist we dial the pod's
// port; bytes flow between the data stream and that connection, failures go to the error
// stream as text, and both streams are closed when the pod side is done.
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import type { NodeStreams } from '../../client/node-streams';
import { createSpdyConnection, type SpdyConnection } from './spdy-connection';
import { forwardErrorMessage } from './pod-portforward';

interface Pair {
  port: number;
  data?: number;
  error?: number;
  started?: boolean;
  /** The pod-side connection, once dialled. */
  target?: Duplex;
  /** Client bytes that arrived before the pod connection was up. */
  early: Buffer[];
  clientEnded?: boolean;
  done?: boolean;
}

const HIGH_WATER = 1024 * 1024;

export function serveSpdyPortForward(socket: Duplex, head: Buffer, pod: KubeObject, streams: NodeStreams): SpdyConnection {
  const pairs = new Map<string, Pair>();
  const byStream = new Map<number, { requestId: string; role: 'data' | 'error' }>();

  const finish = (requestId: string, pair: Pair, message?: string) => {
    if (pair.done) return;
    pair.done = true;
    if (pair.error !== undefined) {
      if (message) conn.write(pair.error, Buffer.from(message));
      conn.end(pair.error);
    }
    if (pair.data !== undefined) conn.end(pair.data);
    for (const id of [pair.data, pair.error]) if (id !== undefined) byStream.delete(id);
    pairs.delete(requestId);
  };

  const start = async (requestId: string, pair: Pair) => {
    pair.started = true;
    let target: Duplex;
    try {
      target = await streams.portForward(pod, pair.port);
    } catch (err) {
      finish(requestId, pair, forwardErrorMessage(pod, pair.port, err));
      return;
    }
    if (pair.done) {
      target.destroy();
      return;
    }
    pair.target = target;
    let connected = false;
    target.on('data', (chunk: Buffer) => {
      connected = true;
      if (pair.data !== undefined) conn.write(pair.data, chunk);
      // A slow client must not make us buffer the pod's whole output.
      if (socket.writableLength > HIGH_WATER && !target.isPaused()) {
        target.pause();
        socket.once('drain', () => target.resume());
      }
    });
    target.on('error', (err) => {
      // A failure after bytes flowed is just a dropped connection, as upstream sees it.
      finish(requestId, pair, connected ? undefined : forwardErrorMessage(pod, pair.port, err));
    });
    target.on('end', () => finish(requestId, pair));
    target.on('close', () => finish(requestId, pair));
    for (const b of pair.early.splice(0)) target.write(b);
    if (pair.clientEnded) target.end();
  };

  const conn: SpdyConnection = createSpdyConnection(socket, head, {
    onStream(id, headers) {
      const role = headers['streamtype'];
      const requestId = headers['requestid'] ?? '';
      const port = Number(headers['port']);
      if ((role !== 'data' && role !== 'error') || !Number.isInteger(port) || port < 1 || port > 65535) {
        conn.reset(id);
        return;
      }
      let pair = pairs.get(requestId);
      if (!pair) {
        pair = { port, early: [] };
        pairs.set(requestId, pair);
      }
      pair[role] = id;
      byStream.set(id, { requestId, role });
      if (pair.data !== undefined && pair.error !== undefined && !pair.started) void start(requestId, pair);
    },
    onData(id, data) {
      const s = byStream.get(id);
      if (!s || s.role !== 'data') return;
      const pair = pairs.get(s.requestId);
      if (!pair) return;
      if (pair.target) pair.target.write(data);
      else pair.early.push(data);
    },
    onEnd(id) {
      const s = byStream.get(id);
      if (!s || s.role !== 'data') return; // kubectl closes its side of the error stream at once
      const pair = pairs.get(s.requestId);
      if (!pair) return;
      pair.clientEnded = true;
      pair.target?.end();
    },
    onReset(id) {
      const s = byStream.get(id);
      const pair = s && pairs.get(s.requestId);
      if (!s || !pair) return;
      pair.target?.destroy();
      finish(s.requestId, pair);
    },
    onClose() {
      for (const pair of pairs.values()) {
        pair.done = true;
        pair.target?.destroy();
      }
      pairs.clear();
      byStream.clear();
    },
  });
  return conn;
}
