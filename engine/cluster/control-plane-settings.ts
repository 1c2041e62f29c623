// What a start uses, each from its option, else cluster.json's saved value, else the default; and
// the cluster.json the start records (saved values it does not use are kept).
import { auditPolicySetting, type ClusterConfig, type Datastore, type PodSecurityLevel } from './cluster-config';
import type { LeaderElectionTimings } from '../client/leader-election';
import { DEFAULT_ETCD_ENDPOINTS, type ControlPlaneOptions } from './control-plane-types';
import { SkiffError } from './errors';

export interface StartSettings {
  datastore: Datastore;
  /** Set when the datastore is etcd. */
  etcdEndpoints?: string[];
  /** The port asked for (0: any free port). */
  wantedPort: number;
  podSecurity: PodSecurityLevel;
  lbPortRange?: string;
  auditSetting?: string;
  leaderElection?: Partial<LeaderElectionTimings>;
  /** An address besides loopback to listen on (undefined: loopback only). */
  advertiseAddress?: string;
}

export function resolveSettings(opts: ControlPlaneOptions, saved: ClusterConfig | undefined): StartSettings {
  if (saved && opts.datastore && opts.datastore !== saved.datastore) {
    throw new SkiffError(
      `cluster "${opts.name}" keeps its data in ${saved.datastore}, not ${opts.datastore}`,
      `drop --datastore, or delete the cluster first (skiff delete --name ${opts.name})`,
    );
  }
  const datastore = opts.datastore ?? saved?.datastore ?? 'sqlite';
  const advertised = opts.advertiseAddress ?? saved?.advertiseAddress;
  return {
    datastore,
    etcdEndpoints: datastore === 'etcd' ? (opts.etcdEndpoints ?? saved?.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS) : undefined,
    wantedPort: opts.port ?? saved?.port ?? 0,
    podSecurity: opts.podSecurity ?? saved?.podSecurity ?? 'baseline',
    lbPortRange: opts.lbPortRange ?? saved?.lbPortRange,
    auditSetting: opts.auditPolicy ? auditPolicySetting(opts.auditPolicy) : saved?.auditPolicy,
    leaderElection: opts.leaderElection ?? saved?.leaderElection,
    advertiseAddress: advertised && advertised !== '127.0.0.1' ? advertised : undefined,
  };
}

export interface RecordedFacts {
  name: string;
  port: number;
  serviceCIDR: string;
  /** The Service CIDR is recorded once the real API server ran (it allocates from it). */
  hasCore: boolean;
  /** The Docker network's pod range, when this start made or found it. */
  podRange?: string;
  ingressPort?: number;
}

/** The cluster.json this start leaves behind. */
export function configToRecord(s: StartSettings, facts: RecordedFacts, saved: ClusterConfig | undefined): ClusterConfig {
  const { datastore, etcdEndpoints, podSecurity, lbPortRange, auditSetting, leaderElection, advertiseAddress } = s;
  const { serviceCIDR } = facts;
  return {
    name: facts.name,
    port: facts.port,
    datastore,
    ...(etcdEndpoints ? { etcdEndpoints } : {}),
    created: saved?.created ?? new Date().toISOString(),
    ...(saved?.kubeconfigs ? { kubeconfigs: saved.kubeconfigs } : {}),
    ...((facts.podRange ?? saved?.podCIDR) ? { podCIDR: facts.podRange ?? saved?.podCIDR } : {}),
    ...(facts.hasCore || saved?.serviceCIDR ? { serviceCIDR } : {}),
    ...(podSecurity !== 'baseline' ? { podSecurity } : {}),
    ...(lbPortRange ? { lbPortRange } : {}),
    ...(auditSetting && auditSetting !== 'none' ? { auditPolicy: auditSetting } : {}),
    ...(leaderElection ? { leaderElection } : {}),
    ...(advertiseAddress ? { advertiseAddress } : {}),
    ...(saved?.podSecurityExemptions ? { podSecurityExemptions: saved.podSecurityExemptions } : {}),
    ...((facts.ingressPort ?? saved?.ingressPort) ? { ingressPort: facts.ingressPort ?? saved?.ingressPort } : {}),
    ...(saved?.ingressHttpsPort ? { ingressHttpsPort: saved.ingressHttpsPort } : {}),
    ...(saved?.ingressClassAliases ? { ingressClassAliases: saved.ingressClassAliases } : {}),
  };
}

/** Hand-edited exemption lists from cluster.json: lists of strings only (anything else is ignored). */
export function exemptionsOf(e: ClusterConfig['podSecurityExemptions']) {
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);
  return e && typeof e === 'object'
    ? { usernames: strings(e.usernames), namespaces: strings(e.namespaces), runtimeClasses: strings(e.runtimeClasses) }
    : {};
}
