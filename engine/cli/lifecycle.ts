// `skiff stop`, `status`, `delete` and `kubeconfig`: flags in, lines out, over the cluster
// lifecycle library (engine/cluster/lifecycle.ts).
import { SkiffError } from '../cluster/errors';
import { entryNames } from '../cluster/kubeconfig-names';
import { createClusterLifecycle, type ClusterLifecycle } from '../cluster/lifecycle';
import { defaultDataDir } from '../cluster/paths';
import type { Flags } from './args';
import type { CliIo } from './io';
import { nameFlag } from './usage';

export function lifecycleFor(flags: Flags, io: CliIo, skiffBin?: string): ClusterLifecycle {
  return createClusterLifecycle({ dataDir: flags.dataDir ?? defaultDataDir(io.env), env: io.env, skiffBin });
}

export async function stopCommand(flags: Flags, io: CliIo): Promise<number> {
  const r = await lifecycleFor(flags, io).stop(flags.name);
  io.out(r.stopped ? `Cluster "${flags.name}" stopped.` : `Cluster "${flags.name}" is not running.`);
  return 0;
}

export async function statusCommand(flags: Flags, io: CliIo): Promise<number> {
  const s = await lifecycleFor(flags, io).status(flags.name);
  if (s.configError) throw s.configError;
  const config = s.config;
  if (!config) {
    io.out(`Cluster "${flags.name}": does not exist (no ${s.paths.config}).`);
    return 1;
  }
  io.out(`Cluster "${flags.name}": ${s.pid === undefined ? 'stopped' : `running (pid ${s.pid})`}`);
  io.out(`  url:        ${s.url}`);
  io.out(`  datastore:  ${config.datastore === 'etcd' ? `etcd ${(config.etcdEndpoints ?? []).join(',')}` : `sqlite ${s.paths.db}`}`);
  io.out(`  kubeconfig: ${s.paths.kubeconfig}`);
  if (config.ingressPort) io.out(`  ingress:    http://<name>.localhost:${config.ingressPort} (127.0.0.1:${config.ingressPort})`);
  if (config.ingressHttpsPort)
    io.out(`              https://<name>.localhost:${config.ingressHttpsPort} (trust ${s.paths.pki}/localhost-ca.crt once)`);
  if (s.pid === undefined) return 1;
  io.out(`  ready:      ${s.ready ? 'yes' : `no (${s.reason})`}`);
  if (s.serviceProxy) io.out(`  services:   ${s.serviceProxy}`);
  if (s.networkPolicy) io.out(`  policies:   ${s.networkPolicy}`);
  return s.ready ? 0 : 1;
}

export async function deleteCommand(flags: Flags, io: CliIo): Promise<number> {
  const r = await lifecycleFor(flags, io).delete(flags.name, { kubeconfig: { update: true } });
  for (const k of r.kubeconfigs) io.out(`Removed context "${entryNames(flags.name).context}" from ${k.file} (backup: ${k.backup}).`);
  if (!r.existed) {
    io.out(`Cluster "${flags.name}" does not exist; nothing else to delete.`);
    return 0;
  }
  if (r.etcd) io.out(`Removed ${r.etcd.removed} keys under ${r.etcd.prefix} from etcd.`);
  for (const w of r.warnings) io.err(`skiff: warning: ${w}`);
  io.out(`Cluster "${flags.name}" deleted (${r.dir}).`);
  return 0;
}

export function kubeconfigCommand(flags: Flags, io: CliIo): number {
  const text = lifecycleFor(flags, io).kubeconfig(flags.name);
  if (text === undefined) {
    throw new SkiffError(`cluster "${flags.name}" has no kubeconfig yet`, `start it with "skiff start${nameFlag(flags.name)}"`);
  }
  io.out(text.trimEnd());
  return 0;
}
