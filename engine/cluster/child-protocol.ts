// Messages from a `start --foreground` child to the `skiff start` that spawned it (Node IPC).
import type { ExportedKubeconfig } from './export-kubeconfig';
import type { KubeconfigEntries } from './kubeconfig';

/** Set in a child's environment by a parent that merges the user's kubeconfig itself (see 'ready'). */
export const KUBECONFIG_BY_PARENT_ENV = 'SKIFF_KUBECONFIG_BY_PARENT';

export type ChildMessage =
  | { type: 'step'; step: string; detail?: string }
  | { type: 'trace'; line: string }
  /** The API server answers and the cluster's kubeconfig is written; 'ready' follows once its nodes are. */
  | { type: 'api'; url: string }
  /**
   * The cluster is ready. Either the child merged the user's kubeconfig (`kubeconfig`), or, when
   * the parent said it would (KUBECONFIG_BY_PARENT_ENV), it hands over what to merge where and
   * waits for the parent to disconnect before writing cluster.json again: the parent's idle core
   * loads the YAML library, not the start's way.
   */
  | {
      type: 'ready';
      url: string;
      kubeconfig?: ExportedKubeconfig;
      merge?: { entries: KubeconfigEntries; file?: string; switchContext: boolean };
    }
  | { type: 'error'; message: string };

/** Sends to the parent when one is listening; resolves once the message is handed over. */
export function sendToParent(msg: ChildMessage): Promise<void> {
  if (!process.send || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      process.send!(msg, undefined, {}, () => resolve());
    } catch {
      resolve(); // the parent went away; the log still has everything
    }
  });
}
