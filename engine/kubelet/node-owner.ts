// Which control-plane instance runs a node's kubelet when several Skiff instances share one
// etcd: the Node carries the instance in an annotation. A node without one (made by
// `skiff node add`, or before there were several instances) is claimed by the first instance
// that writes its annotation under the Node's resourceVersion; the others see it taken.
import type { KubeObject } from '../kinds/types';
import { R, isStatus, type KubeClient } from '../client/types';
import { indexOfPodCIDR } from './pod-cidr';
import { NODE_RUNTIME_ANNOTATION, simulatedNode } from './simulated-node';

export const NODE_OWNER_ANNOTATION = 'skiff.dev/control-plane-instance';

export const ownerOf = (n: KubeObject) => n.metadata.annotations?.[NODE_OWNER_ANNOTATION];

/** Writes this instance into an unowned Node; true when it is ours afterwards. */
export async function claimNode(client: KubeClient, node: KubeObject, owner: string): Promise<boolean> {
  const cur = ownerOf(node);
  if (cur) return cur === owner;
  try {
    await client.update(R.nodes, undefined, {
      ...node,
      metadata: { ...node.metadata, annotations: { ...node.metadata.annotations, [NODE_OWNER_ANNOTATION]: owner } },
    });
    return true;
  } catch (e) {
    if (isStatus(e, 409) || isStatus(e, 404)) return false; // another instance was first, or it is gone
    throw e;
  }
}

/**
 * Makes this instance own `count` nodes: its own are kept, new ones take the next free
 * `<cluster>-node-<i>` names and pod CIDRs no other node uses.
 */
export async function createOwnedNodes(
  client: KubeClient,
  clusterName: string,
  count: number,
  owner: string,
  runtime: 'simulated' | 'docker',
): Promise<string[]> {
  const all = (await client.list(R.nodes, undefined)).items;
  const mine = all.filter((n) => ownerOf(n) === owner).map((n) => n.metadata.name!);
  // Nodes nobody owns yet (a cluster from before several instances) count once claimed, so an
  // upgrade does not add a node beside the old one.
  for (const n of all) {
    if (mine.length >= count) break;
    if (!ownerOf(n) && n.metadata.annotations?.[NODE_RUNTIME_ANNOTATION] && (await claimNode(client, n, owner)))
      mine.push(n.metadata.name!);
  }
  const names = new Set(all.map((n) => n.metadata.name));
  const indexes = new Set(all.map((n) => indexOfPodCIDR((n.spec as { podCIDR?: string } | undefined)?.podCIDR)));
  let i = 1;
  let index = 0;
  while (mine.length < count) {
    while (names.has(`${clusterName}-node-${i}`)) i++;
    while (indexes.has(index)) index++;
    const name = `${clusterName}-node-${i}`;
    const node = simulatedNode(name, index, all.length === 0 && mine.length === 0, runtime);
    node.metadata.annotations = { ...node.metadata.annotations, [NODE_OWNER_ANNOTATION]: owner };
    names.add(name);
    indexes.add(index);
    try {
      await client.create(R.nodes, undefined, node);
      mine.push(name);
    } catch (e) {
      if (!isStatus(e, 409)) throw e; // made by another instance meanwhile: try the next name
    }
  }
  return mine;
}
