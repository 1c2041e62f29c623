// An in-memory Lease store with resourceVersion checks, shared by fake candidates; each
// candidate's client can be cut off (its calls then never answer), as a partition would.
import type { KubeClient } from '../types';
import type { KubeObject } from '../../kinds/types';

/** One shared Lease store with resourceVersion checks; each candidate's view can be cut off (calls hang). */
export function fakeLeases() {
  const leases = new Map<string, KubeObject>();
  let rv = 0;
  const err = (code: number) => Object.assign(new Error(`status ${code}`), { code, reason: '' });
  const clientFor = (cut: { hung: boolean }): KubeClient => {
    const gate = <T>(fn: () => T): Promise<T> => (cut.hung ? new Promise<T>(() => {}) : Promise.resolve().then(fn));
    const copy = (o: KubeObject) => structuredClone(o);
    return {
      get: (_r, _ns, name) =>
        gate(() => {
          const l = leases.get(name);
          if (!l) throw err(404);
          return copy(l);
        }),
      create: (_r, _ns, obj) =>
        gate(() => {
          if (leases.has(obj.metadata.name!)) throw err(409);
          const l = { ...copy(obj), metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
          leases.set(obj.metadata.name!, l);
          return copy(l);
        }),
      update: (_r, _ns, obj) =>
        gate(() => {
          const cur = leases.get(obj.metadata.name!);
          if (!cur) throw err(404);
          if (obj.metadata.resourceVersion !== cur.metadata.resourceVersion) throw err(409);
          const l = { ...copy(obj), metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
          leases.set(obj.metadata.name!, l);
          return copy(l);
        }),
    } as KubeClient;
  };
  return { leases, clientFor };
}
