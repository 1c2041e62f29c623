// One action over many selected objects (delete, restart, scale), a few requests at a time so
// a thousand deletions neither flood the API nor freeze the page; an object already gone
// counts as deleted. The result names what failed and why.
import type { K8sClient } from './client';
import { deleteObject, restartRollout, scale } from './actions';
import { K8sError, errorText } from './errors';
import type { ApiResource } from './types';

export type BulkAction = 'delete' | 'restart' | 'scale';

export interface BulkTarget {
  namespace: string;
  name: string;
}

export interface BulkResult {
  done: number;
  failed: Array<{ target: BulkTarget; error: string }>;
}

const restartable = new Set(['apps/deployments', 'apps/statefulsets', 'apps/daemonsets']);
const scalable = new Set(['apps/deployments', 'apps/statefulsets', 'apps/replicasets']);

/** What can be done to many objects of this kind at once (as the kind's verbs allow). */
export function bulkActionsFor(r: ApiResource): BulkAction[] {
  const id = `${r.group}/${r.name}`;
  const can = (verb: string) => r.verbs.length === 0 || r.verbs.includes(verb);
  return [
    ...(can('delete') ? (['delete'] as const) : []),
    ...(restartable.has(id) && can('patch') ? (['restart'] as const) : []),
    ...(scalable.has(id) && can('patch') ? (['scale'] as const) : []),
  ];
}

export async function runBulk(
  client: K8sClient,
  r: ApiResource,
  action: BulkAction,
  targets: BulkTarget[],
  opts: { replicas?: number; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<BulkResult> {
  const result: BulkResult = { done: 0, failed: [] };
  const one = async (t: BulkTarget) => {
    try {
      if (action === 'delete') await deleteObject(client, r, t.namespace, t.name);
      else if (action === 'restart') await restartRollout(client, r, t.namespace, t.name);
      else await scale(client, r, t.namespace, t.name, opts.replicas ?? NaN);
    } catch (e) {
      if (!(action === 'delete' && e instanceof K8sError && e.code === 404)) result.failed.push({ target: t, error: errorText(e) });
    }
    result.done++;
    opts.onProgress?.(result.done);
  };
  let next = 0;
  const worker = async () => {
    while (next < targets.length) await one(targets[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, targets.length) }, worker));
  return result;
}
