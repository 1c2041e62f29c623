// Idle connections Skiff parks at the agent (REVERSE): the agent cannot reach the host's loopback
// (the API server), so a pod's connection to the `kubernetes` Service rides one of these. When the
// pool is empty the agent asks the host for more and the connection waits (up to a timeout).
import type { Socket } from 'node:net';

export interface ReversePool {
  add(socket: Socket): void;
  take(): Promise<Socket>;
  size(): number;
  close(): void;
}

export function createReversePool(o: { want(n: number): void; timeoutMs?: number }): ReversePool {
  const idle = new Set<Socket>();
  const waiters: { resolve(s: Socket): void; reject(e: Error): void; timer: NodeJS.Timeout }[] = [];

  return {
    add(socket) {
      const w = waiters.shift();
      if (w) {
        clearTimeout(w.timer);
        return w.resolve(socket);
      }
      idle.add(socket);
      const drop = () => idle.delete(socket);
      socket.once('close', drop);
      socket.once('error', drop);
    },
    take() {
      for (const s of idle) {
        idle.delete(s);
        s.removeAllListeners('close');
        s.removeAllListeners('error');
        if (!s.destroyed) return Promise.resolve(s);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiters.findIndex((w) => w.timer === timer);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error('no reverse connection from Skiff (is the Skiff process running?)'));
        }, o.timeoutMs ?? 5000);
        waiters.push({ resolve, reject, timer });
        o.want(waiters.length);
      });
    },
    size: () => idle.size,
    close() {
      for (const s of idle) s.destroy();
      idle.clear();
      for (const w of waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error('agent closing'));
      }
    },
  };
}
