// Pod Security's cluster configuration (upstream's PodSecurityConfiguration, reduced): the
// policy for namespaces without labels and who is exempt. Skiff's default enforces and warns
// at `baseline` (hostPath is the user's real machine here) with kube-system exempt.
import { LATEST, parseLevel, type Level } from './levels';
import type { Policy } from './namespace-policy';

export interface PodSecurityExemptions {
  usernames: string[];
  namespaces: string[];
  runtimeClasses: string[];
}

export interface PodSecurityConfig {
  defaults: Policy;
  exemptions: PodSecurityExemptions;
}

export const DEFAULT_POD_SECURITY_LEVEL: Level = 'baseline';

/** The configuration for a cluster-wide default level (enforce, audit and warn alike). */
export function podSecurityConfig(
  level: Level = DEFAULT_POD_SECURITY_LEVEL,
  exemptions: Partial<PodSecurityExemptions> = {},
): PodSecurityConfig {
  const lv = () => ({ level, version: LATEST });
  return {
    defaults: { enforce: lv(), audit: lv(), warn: lv() },
    exemptions: {
      usernames: exemptions.usernames ?? [],
      namespaces: exemptions.namespaces ?? ['kube-system'],
      runtimeClasses: exemptions.runtimeClasses ?? [],
    },
  };
}

/** A level named on a command line or in settings; undefined when it is not one. */
export function parsePodSecurityLevel(text: string): Level | undefined {
  return parseLevel(text);
}
