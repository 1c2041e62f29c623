// What the kube proxy needs of a profile: its name and a KubeConfig whose current context
// reaches the profile's cluster. Local clusters are one source, kubeconfig files the other.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ExecCommand, ProfileSummary } from '../protocol';

export interface Profile {
  name: string;
  /**
   * The profile's KubeConfig (current context set). Throws ProfileUnavailable when there is
   * none yet, ExecConsentRequired when its credentials would run a command not allowed yet.
   */
  kubeConfig(): KubeConfig;
  /** The same, for export only (copy kubeconfig, terminals): runs nothing, so needs no consent. */
  exportKubeConfig?(): KubeConfig;
  /** The command its credentials run, if any (to explain failures of exec plugins). */
  exec?: ExecCommand;
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

/** The profile's credentials would run a command the user has not allowed (yet). */
export class ExecConsentRequired extends Error {
  constructor(
    readonly profile: string,
    readonly exec: ExecCommand,
  ) {
    super(
      `profile "${profile}" needs your consent to run ${exec.via === 'exec' ? 'its exec plugin' : 'its auth-provider command'}: ` +
        `${[exec.command, ...exec.args].join(' ')}${exec.env.length ? ` (env: ${exec.env.map((e) => e.name).join(', ')})` : ''}; ` +
        'allow it in the app, or with "skiff profiles consent <profile>"',
    );
    this.name = 'ExecConsentRequired';
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
