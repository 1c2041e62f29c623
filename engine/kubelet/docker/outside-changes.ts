// What happens to a node's containers without the kubelet asking: the periodic relist (the
// kubelet's PLEG) resyncs pods whose containers changed, reports containers removed behind our
// back (`docker rm`) as pod events, and lets the network repair reconnect sandboxes that lost the
// cluster network. Removals the runtime makes itself go through `removeOwn`, so they are not
// mistaken for someone else's.
//
// A removal is reported from Docker's `destroy` event (at once, whatever the relist saw) or, when
// the event stream missed it, from the relist; each container id is decided once. Whether a
// removal was ours is decided by our remove call's answer, not by its start: during someone
// else's `docker rm -f` our own remove of the same container gets 409 (Docker marks the removal
// in progress before it kills), and the `destroy` event may arrive before that answer does.
import type Docker from 'dockerode';
import { L, SANDBOX, type ClusterKey } from '../../docker/names';
import type { RuntimeNotice } from '../runtime';
import { createRelist, type Relist } from './relist';
import { createNetworkRepair } from './network-repair';
import { ignoreGone } from './docker-errors';

export interface OutsideChangesOptions {
  docker: Docker;
  cluster: ClusterKey;
  subnet?: string;
  /** The node's containers, all states. */
  list: () => Promise<Docker.ContainerInfo[]>;
  /** Whether the runtime still runs this pod (a removed pod's containers vanish by design). */
  knownPod: (uid: string) => boolean;
  lastIP: (sandboxId: string) => string | undefined;
  emit: (uid: string, notice?: RuntimeNotice) => void;
  log: (line: string) => void;
  relistMs?: number;
}

export interface GoneContainer {
  id: string;
  podUid: string;
  labels: Record<string, string>;
}

export interface OutsideChanges {
  pleg: Relist;
  removeOwn: (id: string) => Promise<void>;
  /** Docker's `destroy` event for one of the node's containers. */
  destroyed: (c: GoneContainer) => void;
}

// Ids remembered per set: far more than a node's containers, so no live decision is forgotten.
const REMEMBER = 4096;
const remember = <T>(m: Map<string, T>, id: string, v: T) => {
  m.set(id, v);
  if (m.size > REMEMBER) m.delete(m.keys().next().value!);
};

export function watchOutsideChanges(o: OutsideChangesOptions): OutsideChanges {
  // id → whether our own remove call removed it (pending while the call is in flight).
  const own = new Map<string, Promise<boolean>>();
  // Containers whose removal was already decided (the event and the relist both see it).
  const decided = new Map<string, true>();

  const removeOwn = async (id: string) => {
    let settle!: (ours: boolean) => void;
    const earlier = own.get(id); // a second removal of ours finds it gone: still ours
    const ours = new Promise<boolean>((r) => (settle = r));
    remember(own, id, earlier ? ours.then(async (v) => v || (await earlier)) : ours);
    try {
      await o.docker.getContainer(id).remove({ force: true, v: true });
      settle(true);
    } catch (e) {
      // Gone already or being removed: someone else's `docker rm` got there first.
      settle(false);
      ignoreGone(e);
    }
  };

  async function gone({ id, podUid, labels }: GoneContainer) {
    if (decided.has(id)) return;
    remember(decided, id, true);
    const ours = await (own.get(id) ?? false);
    own.delete(id);
    if (ours || !o.knownPod(podUid)) return;
    const what = labels[L.container] === SANDBOX ? 'Pod sandbox' : `Container ${labels[L.container]}`;
    o.emit(podUid, {
      type: 'Warning',
      reason: 'ContainerRemoved',
      message: `${what} (${id.slice(0, 12)}) was removed outside Skiff (docker rm); it will be re-created`,
      removed: true,
    });
  }

  const repair = createNetworkRepair({
    docker: o.docker,
    cluster: o.cluster,
    subnet: o.subnet,
    lastIP: o.lastIP,
    remove: removeOwn,
    repaired: (uid, message, replaced) =>
      o.emit(uid, { type: 'Warning', reason: replaced ? 'SandboxNetworkLost' : 'SandboxNetworkRepaired', message }),
    log: o.log,
  });
  const pleg = createRelist({
    list: async () => {
      const found = await o.list();
      void repair.check(found).catch((e: Error) => o.log(`docker: network repair: ${e.message}`));
      return found;
    },
    podUidOf: (c) => c.Labels[L.podUid],
    changed: (uid) => o.emit(uid),
    vanished: (c) => void gone(c),
    intervalMs: o.relistMs,
  });
  return { pleg, removeOwn, destroyed: (c) => void gone(c) };
}
