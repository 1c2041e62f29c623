// A port per Gateway listener. An HTTP listener on port 80, and an HTTPS one on 443, are served
// on the ingress's own two 127.0.0.1 ports (their stand-ins for 80/443, as before), as is a
// listener naming the ingress's port itself; any other listener port is opened as it is named,
// on 127.0.0.1, for as long as a served listener names it. A port that cannot be bound (taken by
// another program, privileged) is the listener's `Accepted: False, PortUnavailable`, retried
// after a while.
import { ownPort } from '../../apimachinery/gateway-listener-port';
import type { Listener } from './gateway-types';

/** Where a listener is served: `port` when it has a port of its own. */
export interface ListenerPlace {
  port?: number;
  up: boolean;
  /** Why its own port could not be opened. */
  error?: string;
}

export interface ListenerPortsOptions {
  open(port: number, tls: boolean): Promise<unknown>;
  close(port: number): void;
  /** A port came up or failed: status and routes are due again. */
  changed(): void;
  log(line: string): void;
  retryMs?: number;
}

export interface ListenerPorts {
  place(l: Listener, ingress: { http?: number; https?: number }): ListenerPlace;
  /** Opens the ports `wanted` names (port → TLS) and closes the others. */
  reconcile(wanted: Map<number, boolean>): void;
  close(): void;
}

export function createListenerPorts(o: ListenerPortsOptions): ListenerPorts {
  const retryMs = o.retryMs ?? 10_000;
  const ports = new Map<number, { tls: boolean; state: 'pending' | 'up' | 'failed'; error?: string; at: number }>();
  return {
    place(l, ingress) {
      const own = ownPort(l, ingress);
      if (own === undefined) return { up: l.protocol === 'HTTPS' ? ingress.https !== undefined : ingress.http !== undefined };
      const p = ports.get(own);
      return { port: own, up: p?.state === 'up', ...(p?.state === 'failed' ? { error: p.error } : {}) };
    },
    reconcile(wanted) {
      for (const [port, p] of ports)
        if (wanted.get(port) !== p.tls) {
          ports.delete(port);
          if (p.state === 'up') o.close(port);
        }
      for (const [port, tls] of wanted) {
        const have = ports.get(port);
        if (have && !(have.state === 'failed' && Date.now() - have.at > retryMs)) continue;
        const entry = { tls, state: 'pending' as const, at: Date.now() };
        ports.set(port, entry);
        o.open(port, tls).then(
          () => {
            if (ports.get(port) !== entry) return void o.close(port); // no longer wanted meanwhile
            ports.set(port, { ...entry, state: 'up' });
            o.log(`gateway: listening on ${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
            o.changed();
          },
          (e: NodeJS.ErrnoException) => {
            if (ports.get(port) !== entry) return;
            const why =
              e.code === 'EADDRINUSE'
                ? 'is in use by another program'
                : e.code === 'EACCES'
                  ? 'is privileged (below 1024)'
                  : `cannot be bound: ${e.message}`;
            ports.set(port, { ...entry, state: 'failed', error: `port ${port} on 127.0.0.1 ${why}`, at: Date.now() });
            o.changed();
          },
        );
      }
    },
    close() {
      for (const [port, p] of ports) if (p.state === 'up') o.close(port);
      ports.clear();
    },
  };
}
