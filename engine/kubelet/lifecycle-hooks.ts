// postStart and preStop handlers. postStart runs right after a start (a failure kills the
// container, as kubelet does); preStop runs before a stop and eats into the grace period.
import type { KubeObject } from '../kinds/types';
import type { NodeStreams } from '../client/node-streams';
import { runAction } from './probe-actions';
import type { Container } from '../apimachinery/pod-types';

export interface HookDeps {
  streams: NodeStreams;
  event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Runs postStart; resolves false (after an event) when it failed. */
export async function runPostStart(d: HookDeps, pod: KubeObject, spec: Container, podIP: string): Promise<boolean> {
  const h = spec.lifecycle?.postStart;
  if (!h) return true;
  const r = await runAction(h, { streams: d.streams, pod, spec, podIP }, 30_000);
  if (!r.ok) d.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.message}`.trim());
  return r.ok;
}

/** Runs preStop within `graceSeconds`; resolves with the seconds left for SIGTERM → SIGKILL. */
export async function runPreStop(d: HookDeps, pod: KubeObject, spec: Container, podIP: string, graceSeconds: number): Promise<number> {
  const h = spec?.lifecycle?.preStop;
  if (!h || graceSeconds <= 0) return graceSeconds;
  const started = Date.now();
  const r = await runAction(h, { streams: d.streams, pod, spec, podIP }, graceSeconds * 1000);
  if (!r.ok) d.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.message}`.trim());
  // Kubernetes grants at least 2 s after preStop so SIGTERM still has a chance.
  return Math.max(2, graceSeconds - Math.floor((Date.now() - started) / 1000));
}
