// What happens to a node's containers without the kubelet asking: the periodic relist (the
// kubelet's PLEG) resyncs pods whose containers changed, reports containers removed behind our
// back (`docker rm`) as pod events, and lets the network repair reconnect sandboxes that lost the
// cluster network. Removals the runtime makes itself go through `removeOwn`, so they are not
// mistaken for someone else's.
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

export function watchOutsideChanges(o: OutsideChangesOptions): { pleg: Relist; removeOwn: (id: string) => Promise<void> } {
  const removedByUs = new Set<string>();
  const removeOwn = async (id: string) => {
    removedByUs.add(id);
    await o.docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch((e) => {
        // Gone already or being removed: someone else's `docker rm` got there first.
        removedByUs.delete(id);
        ignoreGone(e);
      });
  };
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
    vanished: ({ id, podUid, labels }) => {
      if (removedByUs.delete(id) || !o.knownPod(podUid)) return;
      const what = labels[L.container] === SANDBOX ? 'Pod sandbox' : `Container ${labels[L.container]}`;
      o.emit(podUid, {
        type: 'Warning',
        reason: 'ContainerRemoved',
        message: `${what} (${id.slice(0, 12)}) was removed outside Skiff (docker rm); it will be re-created`,
        removed: true,
      });
    },
    intervalMs: o.relistMs,
  });
  return { pleg, removeOwn };
}
