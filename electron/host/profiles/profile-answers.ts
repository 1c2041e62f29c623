// Statuses follow the last real answer: what the kube proxy saw of a profile's API server
// (answered, refused, timed out) updates that profile at once, instead of waiting for the
// next background check or poll. Kubeconfig profiles record it; a local cluster is re-read.
import type { ProxyAnswer } from '../proxy/kube-proxy';

export interface AnswerSinks {
  kubeconfigs: { observe(name: string, answer: ProxyAnswer): void };
  clusters: { list(): Promise<unknown> };
  local: { list(): Array<{ name: string; status: string }> };
  /** Least time between two re-reads of the local clusters (default 1 s). */
  minRefreshMs?: number;
}

export function followAnswers(o: AnswerSinks): (profile: string, answer: ProxyAnswer) => void {
  let lastRefresh = 0;
  return (profile, answer) => {
    const local = o.local.list().find((p) => p.name === profile);
    if (!local) return o.kubeconfigs.observe(profile, answer);
    // The disk and /readyz decide a local cluster's state; a refusal is the cue to look now.
    const stale = answer.ok ? local.status !== 'ready' : local.status === 'ready';
    if (!stale || Date.now() - lastRefresh < (o.minRefreshMs ?? 1000)) return;
    lastRefresh = Date.now();
    void o.clusters.list().catch(() => {});
  };
}
