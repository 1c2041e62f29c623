// Messages from a `start --foreground` child to the `skiff start` that spawned it (Node IPC).
import type { ExportedKubeconfig } from './export-kubeconfig';

export type ChildMessage =
  | { type: 'step'; step: string; detail?: string }
  | { type: 'trace'; line: string }
  /** The API server answers and the cluster's kubeconfig is written; 'ready' follows once its nodes are. */
  | { type: 'api'; url: string }
  | { type: 'ready'; url: string; kubeconfig: ExportedKubeconfig }
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
