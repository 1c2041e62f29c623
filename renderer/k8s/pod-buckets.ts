// Pods counted by phase from the Status column of the pod Table (one cheap list, cells only,
// instead of one field-selector list per phase): Completed counts as Succeeded, error states
// as Failed, waiting states (image pulls included, as the pod's phase is) as Pending.
import { statusTone } from './status-tone';

export const podPhases = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;
export type PodPhase = (typeof podPhases)[number];

export function phaseOfStatus(status: string): PodPhase {
  const s = status.trim();
  if (s === 'Running') return 'Running';
  if (s === 'Completed' || s === 'Succeeded') return 'Succeeded';
  if (s === 'Unknown' || s === '') return 'Unknown';
  // Waiting for an image or for its container to be created: the pod's phase is Pending.
  if (
    /^(Init:)?(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|RegistryUnavailable|CreateContainerConfigError|CreateContainerError)$/.test(
      s,
    )
  )
    return 'Pending';
  if (statusTone(s) === 'bad' || /^(Init:)?(Error|ExitCode:|Signal:)/.test(s)) return 'Failed';
  if (statusTone(s) === 'warn' || /^(Pending|ContainerCreating|PodInitializing|Init:|Terminating)/.test(s)) return 'Pending';
  return 'Unknown';
}

export function countByPhase(statuses: Iterable<string>): Record<PodPhase, number> {
  const out: Record<PodPhase, number> = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0, Unknown: 0 };
  for (const s of statuses) out[phaseOfStatus(s)]++;
  return out;
}
