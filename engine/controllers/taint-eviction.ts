// Taint-based eviction: pods on a node with NoExecute taints they do not tolerate are deleted at
// once; pods tolerating every such taint for a limited time (tolerationSeconds) are deleted when
// the shortest of those runs out, counted from the taint's timeAdded. Their controllers then
// replace them elsewhere. Taints going away before the deadline cancel the eviction.
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { Controller, ControllerDeps } from './types';
import type { Taint, Toleration } from '../apimachinery/workload-types';
import { tolerationMatches } from '../apimachinery/tolerations';

/**
 * When the pod must go because of these NoExecute taints: 0 = now, a time in ms since epoch,
 * or undefined = never (no NoExecute taints, or all tolerated forever).
 */
export function evictionTime(pod: KubeObject, taints: Taint[], nowMs: number): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = ((pod.spec?.tolerations ?? []) as Toleration[]).filter((t) => tolerationMatches(t, taint));
    if (matching.length === 0) return 0;
    // Several tolerations may match one taint: the pod gets the longest (forever wins).
    let secs: number | undefined = 0;
    for (const t of matching) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) secs = undefined;
      else if (secs !== undefined) secs = Math.max(secs, t.tolerationSeconds);
    }
    if (secs === undefined) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    const deadline = Math.max(0, secs) * 1000 + (Number.isNaN(added) ? nowMs : added);
    at = at === undefined ? deadline : Math.min(at, deadline);
  }
  return at;
}

export function createTaintEvictionController(deps: ControllerDeps): Controller {
  const { client, informers, log, now, events } = deps;
  const nodes = informers.informer(R.nodes);
  const pods = informers.informer(R.pods);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`taint-eviction ${k}: ${(e as Error).message}`) });
  const podKey = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

  async function sync(key: string) {
    const { ns, name } = splitKey(key);
    const pod = pods.get(ns, name);
    if (!pod || pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return;
    if (['Succeeded', 'Failed'].includes(pod.status?.phase)) return;
    const node = nodes.get(undefined, pod.spec.nodeName);
    if (!node) return;
    const t = now().getTime();
    const at = evictionTime(pod, node.spec?.taints ?? [], t);
    if (at === undefined) return;
    if (at > t) {
      queue.addAfter(key, at - t + 10);
      return;
    }
    events.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    log(`taint-eviction: deleting ${key} from ${pod.spec.nodeName}`);
    await client.delete(R.pods, ns, name, { preconditions: { uid: pod.metadata.uid } }).catch((e) => {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    });
  }

  const hasNoExecute = (n: KubeObject | undefined) => ((n?.spec?.taints ?? []) as Taint[]).some((t) => t.effect === 'NoExecute');

  return {
    name: 'taint-eviction',
    start() {
      nodes.addHandlers({
        add: (n) => hasNoExecute(n) && enqueueNode(n.metadata.name!),
        update: (a, b) => {
          if (JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? [])) enqueueNode(b.metadata.name!);
        },
      });
      const onPod = (p: KubeObject) => {
        const n = p.spec?.nodeName;
        if (n && hasNoExecute(nodes.get(undefined, n))) queue.add(podKey(p));
      };
      pods.addHandlers({ add: onPod, update: (_a, p) => onPod(p) });
    },
    stop: () => queue.stop(),
  };

  function enqueueNode(name: string) {
    for (const p of pods.list()) if (p.spec?.nodeName === name) queue.add(podKey(p));
  }
}
