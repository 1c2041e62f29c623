// Which nodes a DaemonSet's pod belongs on, judged as upstream does: the template's nodeName,
// nodeSelector and required node affinity (apimachinery/node-selector.ts, as the scheduler), and
// the node's taints against the template's tolerations plus the ones every daemon pod gets. Also
// builds the daemon pod for one node, pinned with a metadata.name node-affinity term so the
// scheduler binds it there.
import type { KubeObject } from '../kinds/types';
import { REVISION_HASH_LABEL } from './controller-revision';
import { ownerRefFor } from './util/controller-ref';
import { podFromTemplate } from './util/pod-template';
import { toleratedBy } from '../apimachinery/tolerations';
import { requiredNodeMatcher, type NodeSelection } from '../apimachinery/node-selector';
import type { Taint, Toleration } from '../apimachinery/workload-types';

/** The template fields placement reads. */
interface DaemonPodSpec extends NodeSelection {
  nodeName?: string;
  hostNetwork?: boolean;
  tolerations?: Toleration[];
}

const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** The template's tolerations plus the daemon ones it does not already have. */
export function daemonTolerations(podSpec: DaemonPodSpec): Toleration[] {
  const out: Toleration[] = [...(podSpec.tolerations ?? [])];
  const extra = podSpec.hostNetwork ? [...DAEMON_TOLERATIONS, HOST_NETWORK_TOLERATION] : DAEMON_TOLERATIONS;
  for (const t of extra) if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push({ ...t });
  return out;
}

export interface Placement {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay (untolerated NoSchedule taints do not evict). */
  shouldContinue: boolean;
}

export function placement(ds: KubeObject, node: KubeObject): Placement {
  const spec: DaemonPodSpec = ds.spec.template?.spec ?? {};
  const no = { shouldRun: false, shouldContinue: false };
  if (node.metadata.deletionTimestamp) return no;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return no;
  if (!requiredNodeMatcher(spec)({ name: node.metadata.name!, labels: node.metadata.labels ?? {} })) return no;
  const tol = daemonTolerations(spec);
  let shouldRun = true;
  for (const taint of (node.spec?.taints ?? []) as Taint[]) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (toleratedBy(tol, taint)) continue;
    if (taint.effect === 'NoExecute') return no;
    shouldRun = false;
  }
  return { shouldRun, shouldContinue: true };
}

/** The node a daemon pod is for: its nodeName once bound, else its metadata.name affinity term. */
export function targetNode(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? [])
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

export function newDaemonPod(ds: KubeObject, nodeName: string, hash: string): KubeObject {
  const pod = podFromTemplate(ds, ds.spec.template, ownerRefFor(ds, 'apps/v1', 'DaemonSet'));
  Object.assign(pod.metadata.labels!, { [REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) });
  pod.spec.tolerations = daemonTolerations(pod.spec);
  // As upstream: the controller already evaluated the template's node terms, so one term pinning
  // the node replaces them and the scheduler does the binding.
  const affinity = (pod.spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return pod;
}
