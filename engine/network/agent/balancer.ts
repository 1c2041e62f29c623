// Which ready endpoint a new connection (or UDP flow) goes to: round-robin over the endpoints,
// or, with sessionAffinity ClientIP, the endpoint the client used last while within its timeout.
import type { Endpoint } from '../table';

export interface Balancer {
  /** `key` names the Service port (e.g. "10.1.128.5:80/TCP"); undefined when nothing is left. */
  pick(key: string, endpoints: Endpoint[], clientIP: string, affinitySeconds?: number, exclude?: Set<string>): Endpoint | undefined;
  /** Drops the state of Service ports that are gone. */
  retain(keys: Set<string>): void;
}

export const endpointKey = (e: Endpoint) => `${e.ip}:${e.port}`;

export function createBalancer(now: () => number = Date.now): Balancer {
  const next = new Map<string, number>();
  const sticky = new Map<string, Map<string, { ep: string; at: number }>>();

  return {
    pick(key, endpoints, clientIP, affinitySeconds, exclude) {
      const usable = exclude?.size ? endpoints.filter((e) => !exclude.has(endpointKey(e))) : endpoints;
      if (!usable.length) return undefined;
      const clients = affinitySeconds ? (sticky.get(key) ?? sticky.set(key, new Map()).get(key)!) : undefined;
      const t = now();
      if (clients) {
        const s = clients.get(clientIP);
        const hit = s && t - s.at < affinitySeconds! * 1000 ? usable.find((e) => endpointKey(e) === s.ep) : undefined;
        if (hit) {
          s!.at = t;
          return hit;
        }
      }
      const i = (next.get(key) ?? 0) % usable.length;
      next.set(key, i + 1);
      const ep = usable[i];
      if (clients) {
        clients.set(clientIP, { ep: endpointKey(ep), at: t });
        if (clients.size > 10_000) for (const [c, s] of clients) if (t - s.at >= affinitySeconds! * 1000) clients.delete(c);
      }
      return ep;
    },
    retain(keys) {
      for (const k of [...next.keys()]) if (!keys.has(k)) next.delete(k);
      for (const k of [...sticky.keys()]) if (!keys.has(k)) sticky.delete(k);
    },
  };
}
