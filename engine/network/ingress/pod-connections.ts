// The raw relay's connections to pods: each is owned by the client connection it serves or is
// pinned to, or waits idle in a pool per endpoint (at most 64, closed after a minute unused).
// Bytes and the close of an owned one go to its owner; an idle one that speaks is dropped.
import type { Socket } from 'node:net';
import type { Endpoint } from '../table';

const IDLE_MS = 60_000;
const POOL_MAX = 64;

export interface PodConnection {
  socket: Socket;
  /** `ip:port` of the endpoint. */
  key: string;
  /** Who gets its bytes and its close; undefined: in the pool. */
  owner?: PodConnectionOwner;
  /** A request is on it (not idle). */
  serving: boolean;
}

export interface PodConnectionOwner {
  onData(c: PodConnection, d: Buffer): void;
  onClose(c: PodConnection): void;
}

export const endpointKey = (e: Endpoint) => `${e.ip}:${e.port}`;

export function createPodConnections() {
  const pool = new Map<string, PodConnection[]>();
  const all = new Set<PodConnection>();
  let closed = false;

  function unpool(c: PodConnection) {
    const list = pool.get(c.key);
    const i = list?.indexOf(c) ?? -1;
    if (i >= 0) list!.splice(i, 1);
  }

  return {
    /** Takes a new connected socket to the endpoint `key`. */
    add(socket: Socket, key: string): PodConnection {
      const c: PodConnection = { socket, key, serving: false };
      all.add(c);
      socket.on('data', (d: Buffer) => (c.owner ? c.owner.onData(c, d) : socket.destroy()));
      socket.on('error', () => {}); // 'close' follows
      socket.on('close', () => {
        all.delete(c);
        if (c.owner) c.owner.onClose(c);
        else unpool(c);
      });
      socket.setTimeout(IDLE_MS, () => {
        if (!c.owner) socket.destroy();
      });
      return c;
    },
    /** An idle connection to `key`, if one waits. */
    take(key: string): PodConnection | undefined {
      const list = pool.get(key);
      for (let c = list?.pop(); c; c = list!.pop()) if (!c.socket.destroyed) return c;
      return undefined;
    },
    /** Puts an idle connection back (or closes it when the pool is full or closed). */
    release(c: PodConnection) {
      c.owner = undefined;
      c.serving = false;
      const list = pool.get(c.key) ?? [];
      if (closed || list.length >= POOL_MAX || c.socket.destroyed) return void c.socket.destroy();
      list.push(c);
      pool.set(c.key, list);
    },
    /** Closes the idle connections (pooled or pinned) to endpoints not in `live`. */
    retain(live: Endpoint[]) {
      const keys = new Set(live.map(endpointKey));
      for (const c of all) if (!c.serving && !keys.has(c.key)) c.socket.destroy();
    },
    close() {
      closed = true;
      for (const c of all) c.socket.destroy();
    },
  };
}
