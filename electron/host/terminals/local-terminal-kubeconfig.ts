// The kubeconfig a local terminal points KUBECONFIG at: only the chosen profile (as
// GET /api/profiles/<name>/kubeconfig gives it, credentials inlined) in a 0600 file inside a
// private temp dir, removed when the terminal closes. The user's own kubeconfig is never used.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostHttpError } from '../http/http-util';
import { standaloneKubeconfig } from '../profiles/kubeconfig-profile';
import { ProfileUnavailable, type ProfileRegistry } from '../profiles/profiles';

export interface TerminalKubeconfig {
  path: string;
  remove(): void;
}

/** The profile's kubeconfig text; throws HostHttpError (404 unknown profile, 409 unusable). */
export function profileKubeconfigText(profiles: ProfileRegistry, name: string): string {
  const p = profiles.get(name);
  if (!p) throw new HostHttpError(404, `profile "${name}" does not exist`, 'pick a cluster from the list first');
  try {
    // Export runs no exec plugin: the terminal's own kubectl runs it, as the user's shell would.
    return standaloneKubeconfig(p.exportKubeConfig ? p.exportKubeConfig() : p.kubeConfig(), name);
  } catch (err) {
    if (err instanceof ProfileUnavailable) throw new HostHttpError(409, err.message, 'start the cluster (or fix the kubeconfig) first');
    throw new HostHttpError(
      409,
      `cannot export the kubeconfig of profile "${name}": ${(err as Error).message.split('\n')[0]}`,
      'check the profile',
    );
  }
}

export function writeTerminalKubeconfig(text: string, dir = tmpdir()): TerminalKubeconfig {
  const folder = mkdtempSync(join(dir, 'skiff-term-')); // 0700
  const path = join(folder, 'kubeconfig');
  writeFileSync(path, text, { mode: 0o600 });
  let removed = false;
  return {
    path,
    remove() {
      if (removed) return;
      removed = true;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
