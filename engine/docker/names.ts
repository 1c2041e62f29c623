// Docker names and labels of what a kubelet starts, so a restarted kubelet finds and adopts its
// containers (and removes those no pod owns) from labels alone.
export const L = {
  /** The cluster's name, for humans (`docker ps --filter label=skiff.cluster=local`). */
  cluster: 'skiff.cluster',
  /** The cluster's UID (kept in its data dir): what Skiff itself selects by. */
  clusterUid: 'skiff.cluster-uid',
  node: 'skiff.node',
  namespace: 'skiff.namespace',
  pod: 'skiff.pod',
  podUid: 'skiff.pod-uid',
  container: 'skiff.container',
  attempt: 'skiff.attempt',
  init: 'skiff.init',
} as const;

/** The container name a sandbox uses in labels (Kubernetes' dockershim called it POD too). */
export const SANDBOX = 'POD';

// Docker names allow [a-zA-Z0-9_.-]; Kubernetes names already fit, this guards the rest.
const clean = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '-');

export function containerName(container: string, pod: string, namespace: string, uid: string, attempt: number): string {
  return clean(`k8s_${container}_${pod}_${namespace}_${uid.slice(0, 8)}_${attempt}`);
}

/**
 * One cluster's identity in Docker. Two clusters may share a name (two data dirs or HOMEs on one
 * engine), never a UID. `legacy`: the cluster was made before UIDs; it also owns the objects
 * labelled with its name alone and keeps the names they have (`skiff-<name>`).
 */
export interface ClusterRef {
  name: string;
  uid: string;
  legacy?: boolean;
}

/**
 * A bare string (tests, tools) selects by name alone, whatever the UID, as every Skiff did before
 * UIDs; its objects carry the name label only.
 */
export type ClusterKey = string | ClusterRef;

export const clusterRef = (c: ClusterKey): ClusterRef => (typeof c === 'string' ? { name: c, uid: '', legacy: true } : c);

/** The labels every Docker object of the cluster carries. */
export function clusterLabels(c: ClusterKey): Record<string, string> {
  if (typeof c === 'string') return { [L.cluster]: c };
  return { [L.cluster]: c.name, [L.clusterUid]: c.uid };
}

/** Docker label filters selecting the cluster's objects (a legacy cluster's still need `ownedBy`). */
export function clusterFilter(c: ClusterKey): string[] {
  const r = clusterRef(c);
  return r.legacy ? [`${L.cluster}=${r.name}`] : [`${L.clusterUid}=${r.uid}`];
}

/** Whether an object with these labels is the cluster's. */
export function ownedBy(c: ClusterKey, labels: Record<string, string> | undefined): boolean {
  if (typeof c === 'string') return labels?.[L.cluster] === c;
  const uid = labels?.[L.clusterUid];
  if (uid !== undefined) return uid === c.uid;
  return !!c.legacy && labels?.[L.cluster] === c.name;
}

// Names must differ between same-named clusters; a legacy cluster keeps the ones it has.
function dockerKey(c: ClusterKey): string {
  const r = clusterRef(c);
  return clean(r.legacy ? r.name : `${r.name}-${r.uid.replace(/-/g, '').slice(0, 8)}`);
}

/** The cluster's Docker network: skiff-<name>-<uid prefix> (skiff-<name> for legacy clusters). */
export const networkName = (c: ClusterKey) => `skiff-${dockerKey(c)}`;
/** The network agent's container. */
export const agentContainerName = (c: ClusterKey) => `skiff-${dockerKey(c)}-net`;
