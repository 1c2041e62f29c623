// A SPDY/3.1 server session over an upgraded socket (or any Duplex, e.g. SPDY tunnelled in a
// WebSocket): client-opened streams with their headers, data, half-close and reset. Enough for
// the Kubernetes stream protocols; no server push, no flow control (the Go client ignores it).
import type { Duplex } from 'node:stream';
import { controlFrame, createHeaderCodec, dataFrame, FLAG_FIN, FRAME, splitFrames, u32, type Frame, type Headers } from './spdy-framing';

export interface SpdyHandlers {
  /** A client stream opened (SYN_STREAM); the reply is sent for it. */
  onStream(id: number, headers: Headers): void;
  onData(id: number, data: Buffer): void;
  /** The client half-closed the stream (FIN). */
  onEnd(id: number): void;
  /** The client reset the stream (RST_STREAM). */
  onReset?(id: number): void;
  /** The session is over (socket closed, GOAWAY or protocol error). */
  onClose(): void;
}

export interface SpdyConnection {
  write(id: number, data: Buffer): void;
  /** Half-closes our side of the stream (FIN). */
  end(id: number): void;
  reset(id: number): void;
  close(): void;
}

// Data frames carry at most 2^24-1 bytes; smaller frames keep streams interleaved fairly.
const MAX_DATA = 32 * 1024;
const RST_CANCEL = 5;

export function createSpdyConnection(socket: Duplex, head: Buffer, handlers: SpdyHandlers): SpdyConnection {
  const codec = createHeaderCodec();
  const open = new Set<number>();
  const finSent = new Set<number>();
  let closed = false;
  let pending: Buffer = Buffer.alloc(0);
  // Header (de)compression is asynchronous: one queue per direction keeps frames in order.
  let inQueue = Promise.resolve();
  let outQueue = Promise.resolve();

  const send = (make: () => Buffer | Promise<Buffer>) => {
    outQueue = outQueue
      .then(async () => {
        const frame = await make();
        if (!closed && !socket.destroyed) socket.write(frame);
      })
      .catch(() => shutdown());
  };

  const shutdown = () => {
    if (closed) return;
    closed = true;
    open.clear();
    socket.destroy();
    handlers.onClose();
  };

  const handle = async (f: Frame) => {
    if (!f.control) {
      if (!open.has(f.streamId)) return;
      if (f.data.length > 0) handlers.onData(f.streamId, f.data);
      if (f.flags & FLAG_FIN) handlers.onEnd(f.streamId);
      return;
    }
    switch (f.type) {
      case FRAME.SYN_STREAM: {
        const id = f.body.readUInt32BE(0) & 0x7fffffff;
        const headers = await codec.decode(f.body.subarray(10));
        open.add(id);
        send(async () => controlFrame(FRAME.SYN_REPLY, 0, Buffer.concat([u32(id), await codec.encode({})])));
        handlers.onStream(id, headers);
        if (f.flags & FLAG_FIN) handlers.onEnd(id);
        return;
      }
      case FRAME.HEADERS:
        // Extra headers never matter to these protocols, but the shared inflate context must see them.
        await codec.decode(f.body.subarray(4));
        return;
      case FRAME.RST_STREAM: {
        const id = f.body.readUInt32BE(0) & 0x7fffffff;
        if (open.delete(id)) handlers.onReset?.(id);
        return;
      }
      case FRAME.PING:
        send(() => controlFrame(FRAME.PING, 0, f.body));
        return;
      case FRAME.GOAWAY:
        shutdown();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE: nothing to do without flow control.
        return;
    }
  };

  const onBytes = (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const { frames, rest } = splitFrames(pending);
    pending = rest;
    for (const f of frames) inQueue = inQueue.then(() => handle(f)).catch(() => shutdown());
  };

  socket.on('data', onBytes);
  socket.on('close', shutdown);
  socket.on('error', shutdown);
  socket.on('end', () => socket.end());
  if (head.length > 0) onBytes(head);

  return {
    write(id, data) {
      if (closed || finSent.has(id)) return;
      for (let off = 0; off < data.length; off += MAX_DATA) {
        const part = data.subarray(off, off + MAX_DATA);
        send(() => dataFrame(id, 0, part));
      }
    },
    end(id) {
      if (closed || finSent.has(id)) return;
      finSent.add(id);
      send(() => dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
    },
    reset(id) {
      if (closed) return;
      open.delete(id);
      finSent.add(id);
      send(() => controlFrame(FRAME.RST_STREAM, 0, u32(id, RST_CANCEL)));
    },
    close() {
      // Let queued frames reach the client before the socket goes.
      outQueue.then(() => {
        if (!closed) socket.end();
      });
    },
  };
}
