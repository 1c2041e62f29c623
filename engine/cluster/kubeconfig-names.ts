// What a local cluster's kubeconfig entries are called, and which kubeconfig is the user's: the
// part of kubeconfig.ts that needs no YAML, so commands that only name things (every `skiff`
// run prints usage with them) do not load the YAML library (~50 ms, several times that on a busy machine).
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';

export interface KubeconfigNames {
  cluster: string;
  user: string;
  context: string;
}

export function contextName(clusterName: string): string {
  return `skiff-${clusterName}`;
}

export function entryNames(clusterName: string): KubeconfigNames {
  const n = contextName(clusterName);
  return { cluster: n, user: n, context: n };
}

/** The kubeconfig kubectl would write to: the first path in $KUBECONFIG, else ~/.kube/config (as kind does). */
export function userKubeconfigPath(env: Record<string, string | undefined> = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  return first ?? join(env.HOME || homedir(), '.kube', 'config');
}
