// Docker names and labels of what a kubelet starts, so a restarted kubelet finds and adopts its
// containers (and removes those no pod owns) from labels alone.
export const L = {
  cluster: 'skiff.cluster',
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

export const networkName = (cluster: string) => `skiff-${clean(cluster)}`;
