// Periodic store compaction, as kube-apiserver does: every interval, forget history older than
// the revision seen one interval ago, so clients away for less than that can still resume.
import type { Store } from './types';

export function createCompactor(deps: { store: Store; intervalMs?: number; log?: (line: string) => void }) {
  const interval = deps.intervalMs ?? 5 * 60_000;
  let previous = 0;
  let timer: NodeJS.Timeout | undefined;

  async function tick() {
    const current = await deps.store.currentRevision();
    if (previous > 0 && previous > (await deps.store.compactedRevision())) await deps.store.compact(previous);
    previous = current;
  }

  return {
    start() {
      timer = setInterval(() => tick().catch((e) => deps.log?.(`compactor: ${e.message}`)), interval);
      timer.unref();
      tick().catch(() => {});
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
