// What the kube proxy needs of a profile: its name and a KubeConfig whose current context
// reaches the profile's cluster. Local clusters are one source, kubeconfig files the other.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ConsentFile, ConsentTarget, ExecCommand, ProfileSummary } from '../protocol';

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

/**
 * The profile's credentials would run a command, or read a credential file, the user has not
 * allowed (yet) for the server they go to. exec is set when a command would run.
 */
export class ExecConsentRequired extends Error {
  readonly exec?: ExecCommand;
  constructor(
    readonly profile: string,
    need: ExecCommand | { exec?: ExecCommand; files: ConsentFile[]; target: ConsentTarget },
  ) {
    const n = 'command' in need ? { exec: need, files: [] as ConsentFile[], target: undefined } : need;
    const exec = n.exec;
    const what = [
      exec
        ? `run ${exec.via === 'exec' ? 'its exec plugin' : 'its auth-provider command'}: ` +
          `${[exec.command, ...exec.args].join(' ')}${exec.env.length ? ` (env: ${exec.env.map((e) => e.name).join(', ')})` : ''}`
        : '',
      n.files.length ? `read ${n.files.map((f) => `${f.field} ${f.path}`).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    super(
      `profile "${profile}" needs your consent to ${what}${n.target ? ` for ${n.target.server}` : ''}; ` +
        'allow it in the app, or with "skiff profiles consent <profile>"',
    );
    if (exec) this.exec = exec;
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
