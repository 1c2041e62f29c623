// What the kube proxy needs of a profile: its name and a KubeConfig whose current context
// reaches the profile's cluster. Local clusters are one source; kubeconfig files come later.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProfileSummary } from './protocol';

export interface Profile {
  name: string;
  /** The profile's KubeConfig (current context set). Throws ProfileUnavailable when there is none yet. */
  kubeConfig(): KubeConfig;
}

export interface ProfileRegistry {
  get(name: string): Profile | undefined;
  list(): ProfileSummary[];
}

/** The profile exists but cannot be reached now (e.g. a local cluster never started). */
export class ProfileUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileUnavailable';
  }
}

/** Several registries as one; the first that knows a name wins. */
export function combineRegistries(...registries: ProfileRegistry[]): ProfileRegistry {
  return {
    get: (name) => {
      for (const r of registries) {
        const p = r.get(name);
        if (p) return p;
      }
      return undefined;
    },
    list: () => registries.flatMap((r) => r.list()),
  };
}
