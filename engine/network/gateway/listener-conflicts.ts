// Conflicts between Gateway listeners (pure), reported in the listener's `Conflicted` condition
// with upstream's reasons. Within a Gateway: listeners on one port whose protocols cannot share
// it (HTTP beside HTTPS or TLS, TCP, UDP) are `ProtocolConflict`; listeners on one port with the
// same protocol family and the same hostname (or both none) are `HostnameConflict`. Every listener
// in such a group is conflicted, and a conflicted listener is not served. Across our Gateways (all
// served by this one process on 127.0.0.1): a port is served with the protocol family of the oldest
// Gateway's listeners on it, and a younger Gateway's listener wanting another is `ProtocolConflict`.
import type { KubeObject } from '../../kinds/types';
import { gatewaySpec, keyOfObj, type Listener } from './gateway-types';

export interface ListenerConflict {
  reason: 'HostnameConflict' | 'ProtocolConflict';
  message: string;
}

/** What can share a port: HTTP alone; HTTPS and TLS together (told apart by SNI); TCP; UDP. */
const family = (l: Listener) => (l.protocol === 'HTTPS' || l.protocol === 'TLS' ? 'TLS' : l.protocol);

/** Per Gateway key, per listener index: its conflict, if any. */
export function listenerConflicts(gateways: KubeObject[]): Map<string, (ListenerConflict | undefined)[]> {
  const out = new Map<string, (ListenerConflict | undefined)[]>();
  const ordered = [...gateways].sort(
    (a, b) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
      keyOfObj(a).localeCompare(keyOfObj(b)),
  );
  const portOwner = new Map<number, { family: string; gateway: string }>();
  for (const gw of ordered) {
    const listeners = gatewaySpec(gw).listeners ?? [];
    const conflicts: (ListenerConflict | undefined)[] = listeners.map(() => undefined);
    const byPort = new Map<number, number[]>();
    listeners.forEach((l, i) => byPort.set(l.port, [...(byPort.get(l.port) ?? []), i]));
    for (const [port, idx] of byPort) {
      const families = new Set(idx.map((i) => family(listeners[i])));
      if (families.size > 1) {
        const names = idx.map((i) => `${listeners[i].name} (${listeners[i].protocol})`).join(', ');
        for (const i of idx)
          conflicts[i] = {
            reason: 'ProtocolConflict',
            message: `listeners ${names} share port ${port} with protocols that cannot share it`,
          };
        continue;
      }
      const byHost = new Map<string, number[]>();
      for (const i of idx) {
        const h = (listeners[i].hostname ?? '').toLowerCase();
        byHost.set(h, [...(byHost.get(h) ?? []), i]);
      }
      for (const [host, same] of byHost)
        if (same.length > 1)
          for (const i of same)
            conflicts[i] = {
              reason: 'HostnameConflict',
              message: `listeners ${same.map((j) => listeners[j].name).join(', ')} on port ${port} all serve ${host ? `hostname ${host}` : 'any hostname'}`,
            };
      const owner = portOwner.get(port);
      const fam = [...families][0];
      if (!owner) portOwner.set(port, { family: fam, gateway: keyOfObj(gw) });
      else if (owner.family !== fam)
        for (const i of idx)
          conflicts[i] ??= {
            reason: 'ProtocolConflict',
            message: `port ${port} is already served for ${owner.family === 'TLS' ? 'HTTPS/TLS' : owner.family} by Gateway ${owner.gateway}, an older Gateway`,
          };
    }
    out.set(keyOfObj(gw), conflicts);
  }
  return out;
}
