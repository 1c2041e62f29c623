// One profile per local cluster, named like its kubeconfig context (skiff-<cluster>), reaching
// it with the kubeconfig in the cluster's data dir. Emits 'profiles' when the list changes.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterPaths } from '../../../engine/cluster/paths';
import { contextName } from '../../../engine/cluster/kubeconfig';
import type { EventHub } from '../http/event-hub';
import { ProfileUnavailable, type Profile, type ProfileRegistry } from './profiles';
import { isClusterName } from '../../../engine/cluster/cluster-status';
import type { LocalCluster, ProfileSummary } from '../protocol';

export interface LocalProfiles extends ProfileRegistry {
  close(): void;
}

export function localProfileSummary(c: LocalCluster): ProfileSummary {
  const status: ProfileSummary['status'] = c.state === 'running' ? 'ready' : c.state === 'starting' ? 'starting' : 'stopped';
  const reason = c.state === 'failed' ? c.error : c.state === 'stopping' ? 'stopping' : undefined;
  return {
    name: c.profile,
    source: 'local',
    cluster: c.name,
    ...(c.url ? { server: c.url } : {}),
    status,
    ...(reason ? { reason } : {}),
    ...(c.runtime ? { simulated: c.runtime === 'simulated' } : {}),
  };
}

export function createLocalProfiles(opts: {
  dataDir: string;
  clusters: { snapshot(): LocalCluster[] };
  hub: EventHub;
  /** Emit 'profiles' with the local list (default true); off when a combined emitter does it. */
  emit?: boolean;
}): LocalProfiles {
  const { dataDir, clusters, hub } = opts;
  const list = () => clusters.snapshot().map(localProfileSummary);
  let last = JSON.stringify(list());
  const unsubscribe =
    opts.emit === false
      ? () => {}
      : hub.subscribe((ev) => {
          if (ev.type === 'profiles') return;
          const now = list();
          const json = JSON.stringify(now);
          if (json === last) return;
          last = json;
          hub.emit({ type: 'profiles', profiles: now });
        });

  return {
    list,
    get(name) {
      const m = /^skiff-(.+)$/.exec(name);
      if (!m || !isClusterName(m[1])) return undefined;
      const cluster = m[1];
      const paths = clusterPaths(dataDir, cluster);
      // A cluster the CLI created after our last look still counts: the disk decides.
      if (!existsSync(paths.config) && !clusters.snapshot().some((c) => c.name === cluster)) return undefined;
      const profile: Profile = {
        name: contextName(cluster),
        kubeConfig() {
          if (!existsSync(paths.kubeconfig)) {
            throw new ProfileUnavailable(`cluster "${cluster}" has no kubeconfig yet (${paths.kubeconfig}); start it first`);
          }
          const kc = new KubeConfig();
          kc.loadFromFile(paths.kubeconfig);
          return kc;
        },
      };
      return profile;
    },
    close: unsubscribe,
  };
}
