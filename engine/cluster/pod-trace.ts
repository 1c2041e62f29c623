// SKIFF_TRACE=pod: each step of each pod's sync on this process's kubelets, one line each, at
// wall-clock milliseconds (fractional), so a watcher in another process can line the steps up
// with what it saw itself (its watch events, Docker's events):
//   trace pod: <epoch ms> <namespace>/<name> <step>
import type { KubeObject } from '../kinds/types';

export type PodTrace = (pod: KubeObject, step: string) => void;

export function createPodTrace(
  out: (line: string) => void,
  wallNow: () => number = () => performance.timeOrigin + performance.now(),
): PodTrace {
  return (pod, step) => out(`trace pod: ${wallNow().toFixed(1)} ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} ${step}`);
}

/** A `trace pod:` line read back: when, which pod, what. */
export function parsePodTraceLine(line: string): { at: number; pod: string; step: string } | undefined {
  const m = /^trace pod: (\d+(?:\.\d+)?) (\S+) (.+)$/.exec(line.trim());
  return m ? { at: Number(m[1]), pod: m[2], step: m[3] } : undefined;
}
