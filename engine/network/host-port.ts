// Choosing a 127.0.0.1 port for a listener Skiff owns that has no port of its own (the ingress),
// in a stated order: the port asked for (a flag or cluster.json; 0 means any), else the
// well-known port, else a stable range above 1024, else any free port. Service host ports
// (NodePort, LoadBalancer) are not chosen: the Service names them (host-listeners.ts), and one
// the ingress already holds is reported on the Service as HostPortUnavailable.
import type { Server } from 'node:net';

/** Candidates in order: `wanted` first, then `wellKnown`, then `fallback`..`fallback+19`, then any. */
export function portCandidates(wanted: number | undefined, wellKnown: number, fallback: number): number[] {
  if (wanted === 0) return [0];
  const list = [wanted, wellKnown, ...Array.from({ length: 20 }, (_, i) => fallback + i), 0].filter((p): p is number => p !== undefined);
  return [...new Set(list)];
}

/** Listens on the first candidate that binds; resolves with the port, rejects with the last error. */
export async function listenOnFirst(server: Server, candidates: number[], host = '127.0.0.1'): Promise<number> {
  let last: Error | undefined;
  for (const port of candidates) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      return (server.address() as { port: number }).port;
    } catch (e) {
      last = e as Error;
    }
  }
  throw last ?? new Error('no port to listen on');
}
