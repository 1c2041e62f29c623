// The kubelet's image-pull step for one container, shared by every runtime: the pull back-off
// (10 s doubling to the cap, per pod and container), and the events users know from kubectl
// describe (Pulling, one progress Event that follows a long pull, Pulled with time and size,
// Failed, BackOff, ErrImageNeverPull). The runtime decides by the pull policy whether to pull.
import type { KubeObject } from '../kinds/types';
import type { ContainerRuntime } from './runtime';
import type { ContainerAttempts } from './pod-status';
import type { PodSyncDeps } from './pod-sync';
import type { Container } from '../apimachinery/pod-types';

export type ImagePullDeps = Pick<PodSyncDeps, 'now' | 'backoffBaseMs' | 'event' | 'resyncAfter'> & {
  runtime: Pick<ContainerRuntime, 'pullImage'>;
  maxBackoffMs: number;
};

export interface ImagePulls {
  /** Makes the container's image present; resolves with the waiting state when it cannot. */
  pull(pod: KubeObject, spec: Container): Promise<ContainerAttempts['waiting']>;
  /** Drops a pod's back-offs (it is gone). */
  forget(podUid: string): void;
}

/** How long a failed pull shows ErrImagePull before ImagePullBackOff: half its back-off, at most 5 s. */
const showPullErrorMs = (delayMs: number) => Math.min(5_000, delayMs / 2);

/** Go's time.Duration String() for a millisecond count, as the kubelet prints pull times ("1.234s", "523ms", "1m2.5s"). */
export function goDuration(ms: number): string {
  ms = Math.max(0, Math.trunc(ms));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const trim = (s: string) => s.replace(/\.?0+$/, '');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = trim(((ms % 60_000) / 1000).toFixed(3));
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

export function createImagePulls(d: ImagePullDeps): ImagePulls {
  const pullBackoffs = new Map<string, Map<string, { delayMs: number; until: number; failedAt: number; message: string }>>(); // pod uid → container name
  const maxBackoff = d.maxBackoffMs;

  /**
   * Makes the container's image present unless its pull is backing off, with the kubelet's
   * events (Pulling, progress, Pulled, Failed, BackOff); resolves with the waiting state on failure.
   */
  async function pull(pod: KubeObject, spec: Container): Promise<ContainerAttempts['waiting']> {
    const image = spec.image ?? '';
    const uid = pod.metadata.uid!;
    const per = pullBackoffs.get(uid) ?? new Map();
    const pb = per.get(spec.name);
    const nowMs = d.now().getTime();
    const left = pb ? pb.until - nowMs : 0;
    // A failed pull reads ErrImagePull until the next sync upstream (seconds); our own status write
    // syncs again at once, so keep showing it for a while before ImagePullBackOff.
    const showErr = pb ? pb.failedAt + showPullErrorMs(pb.delayMs) - nowMs : 0;
    if (pb && left > 0 && showErr > 0) {
      d.resyncAfter(pod, showErr);
      return { reason: 'ErrImagePull', message: pb.message };
    }
    if (pb && left > 0) {
      d.resyncAfter(pod, left);
      d.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      d.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      return { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${pb.message}` };
    }
    const started = Date.now();
    let pulled: { pullMs: number; sizeBytes?: number } | undefined;
    try {
      await d.runtime.pullImage(image, {
        policy: spec.imagePullPolicy,
        pod,
        report(r) {
          if (r.kind === 'pulling') d.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
          // One Event per image whose message follows the pull, not one per report.
          else if (r.kind === 'progress') d.event(pod, 'Normal', 'Pulling', r.message, `pull-progress ${image}`);
          else if (r.kind === 'pulled') pulled = r;
          else if (r.kind === 'event') d.event(pod, r.type, r.reason, r.message);
        },
      });
    } catch (err) {
      const e = err as Error & { reason?: string };
      const message = String(e.message);
      if (e.reason === 'ErrImageNeverPull') {
        // Not a pull failure: no back-off; look again later in case the image gets loaded.
        d.event(pod, 'Warning', 'ErrImageNeverPull', message);
        d.event(pod, 'Warning', 'Failed', 'Error: ErrImageNeverPull');
        d.resyncAfter(pod, d.backoffBaseMs);
        return { reason: 'ErrImageNeverPull', message };
      }
      const delayMs = pb ? Math.min(pb.delayMs * 2, maxBackoff) : d.backoffBaseMs;
      const failedAt = d.now().getTime();
      per.set(spec.name, { delayMs, until: failedAt + delayMs, failedAt, message });
      pullBackoffs.set(uid, per);
      d.event(pod, 'Warning', 'Failed', message); // the runtime's message: `Failed to pull image "x": why`
      d.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      // ErrImagePull for a while, then ImagePullBackOff until the retry, as kubelets show it.
      d.resyncAfter(pod, showPullErrorMs(delayMs));
      return { reason: 'ErrImagePull', message };
    }
    per.delete(spec.name);
    if (pulled) {
      const size = pulled.sizeBytes === undefined ? '' : ` Image size: ${pulled.sizeBytes} bytes.`;
      d.event(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${goDuration(pulled.pullMs)} (${goDuration(Date.now() - started)} including waiting).${size}`,
      );
    } else {
      d.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
    }
    return undefined;
  }

  return { pull, forget: (uid) => void pullBackoffs.delete(uid) };
}
