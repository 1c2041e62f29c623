// What one Pod Security check is: an id, the level it belongs to, and its behaviour by policy
// version (the entry with the highest `minor` not above the evaluated version applies).
import type { PodMetaFields, PodSpecFields } from './pod-fields';

/** Undefined when the pod passes; else upstream's reason and detail. */
export type CheckResult = { reason: string; detail: string } | undefined;
export type CheckFn = (meta: PodMetaFields, spec: PodSpecFields) => CheckResult;

export interface VersionedCheck {
  /** The first v1 minor this behaviour applies to. */
  minor: number;
  check: CheckFn;
  /** Baseline checks this restricted check replaces from this version on. */
  overrides?: string[];
}

export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  versions: VersionedCheck[];
}
