// ConfigMap/Secret/projected volumes follow their sources while pods run, as the kubelet's
// periodic sync does: every few seconds each known pod's volumes are rewritten where they changed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../kinds/types';
import type { ObjectLookup } from './container-config';
import type { TokenSource } from './pod-tokens';
import { refreshVolumes } from './volumes';

export interface VolumeRefreshDeps {
  pods: Map<string, KubeObject>;
  podDir(uid: string): string;
  lookup?: ObjectLookup;
  tokenFor(pod: KubeObject): (source: TokenSource) => Promise<string | undefined>;
  caCert?: string;
  isClosed(): boolean;
  log: (line: string) => void;
  intervalMs: number;
}

/** Starts the refresh loop; returns its stop. */
export function startVolumeRefresh(d: VolumeRefreshDeps): () => void {
  let refreshing = false;
  async function tick() {
    if (refreshing || d.isClosed()) return;
    refreshing = true;
    try {
      for (const [uid, pod] of d.pods) {
        if (!existsSync(join(d.podDir(uid), 'volumes'))) continue; // no container made yet
        const changed = await refreshVolumes({
          pod,
          podDir: d.podDir(uid),
          lookup: d.lookup,
          token: d.tokenFor(pod),
          caCert: d.caCert,
        }).catch(() => []);
        if (changed.length) d.log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: volume(s) ${changed.join(', ')} updated`);
      }
    } finally {
      refreshing = false;
    }
  }
  const timer = setInterval(() => void tick(), d.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
