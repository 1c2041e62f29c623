// cluster.json: what a restart must reuse (above all the port, so kubeconfigs stay valid).
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { writePrivateFile } from '../pki/private-file';
import { SkiffError } from './errors';

export type Datastore = 'sqlite' | 'etcd';
/** Pod Security level for namespaces without labels (the API server's `--pod-security`). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface ClusterConfig {
  name: string;
  port: number;
  datastore: Datastore;
  etcdEndpoints?: string[];
  /** ISO time of the first start. */
  created: string;
  /** Kubeconfig files our entries were merged into, so `delete` can remove them. */
  kubeconfigs?: string[];
  /** Docker-backed clusters: the cluster network's pod half (X.Y.0.0/17). */
  podCIDR?: string;
  /** The API server's Service CIDR (Docker: the network's upper half; else 10.96.0.0/12). */
  serviceCIDR?: string;
  /** Set when not the default (baseline): a later start without the flag keeps it. */
  podSecurity?: PodSecurityLevel;
  /** Host ports LoadBalancer Services may take ("low-high"), when not the default 1025-65535. */
  lbPortRange?: string;
  /** The audit policy: a Policy file's absolute path or "default"; absent: no audit log. */
  auditPolicy?: string;
  /** An address of this machine the API server also listens on, for joining nodes (127.0.0.1 or absent: loopback only). */
  advertiseAddress?: string;
  /** Pod Security exemptions, edited by hand (default: namespace kube-system only). */
  podSecurityExemptions?: { usernames?: string[]; namespaces?: string[]; runtimeClasses?: string[] };
  /** Docker-backed clusters: the ingress's HTTP port on 127.0.0.1 (the one last bound, asked for again next start). */
  ingressPort?: number;
  /** The ingress's HTTPS port, likewise. */
  ingressHttpsPort?: number;
  /** IngressClass names the built-in ingress serves besides `skiff` (default nginx, traefik; [] for none). Edited by hand. */
  ingressClassAliases?: string[];
  /** etcd: leader election timings when not upstream's (`--leader-elect-lease-duration` and friends). */
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
}

/** What cluster.json keeps of --audit-policy: "default", "none", or the policy file's absolute path. */
export function auditPolicySetting(value: string, cwd = process.cwd()): string {
  return value === 'default' || value === 'none' || isAbsolute(value) ? value : resolve(cwd, value);
}

export function readClusterConfig(path: string): ClusterConfig | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SkiffError(`cannot read ${path} (${(err as Error).message})`, 'fix or remove the file (skiff delete removes the cluster)');
  }
  const c = parsed as Partial<ClusterConfig> | null;
  if (!c || typeof c.name !== 'string' || typeof c.port !== 'number' || (c.datastore !== 'sqlite' && c.datastore !== 'etcd')) {
    throw new SkiffError(`${path} is not a skiff cluster config`, 'fix or remove the file (skiff delete removes the cluster)');
  }
  return c as ClusterConfig;
}

export function writeClusterConfig(path: string, config: ClusterConfig): void {
  writePrivateFile(path, JSON.stringify(config, null, 2) + '\n');
}

/** Read-modify-write; returns the new config. */
export function updateClusterConfig(path: string, change: (c: ClusterConfig) => ClusterConfig): ClusterConfig | undefined {
  const current = readClusterConfig(path);
  if (!current) return undefined;
  const next = change(current);
  if (JSON.stringify(next) !== JSON.stringify(current)) writeClusterConfig(path, next);
  return next;
}
