// `skiff start`: starts the cluster's `skiff start --foreground` process through the lifecycle
// library (detached, output to skiff.log), prints its progress, and returns once the cluster
// is ready or has failed.
import { auditPolicySetting } from '../cluster/cluster-config';
import { fileURLToPath } from 'node:url';
import { readClusterConfig } from '../cluster/cluster-config';
import { dataDirError } from '../cluster/errors';
import { userKubeconfigPath } from '../cluster/kubeconfig-names';
import type { ClusterProcess, StartOptions } from '../cluster/lifecycle';
import type { Flags } from './args';
import type { CliIo } from './io';
import { lifecycleFor } from './lifecycle';
import { howToUse } from './usage';

const READY_TIMEOUT_MS = 60_000;
const BIN = fileURLToPath(new URL('../../bin/skiff.mjs', import.meta.url));

export async function startDetached(flags: Flags, io: CliIo): Promise<number> {
  const lifecycle = lifecycleFor(flags, io, BIN);
  const paths = lifecycle.paths(flags.name);

  const pid = lifecycle.pid(flags.name);
  if (pid !== undefined) {
    const config = readClusterConfig(paths.config);
    io.out(`Cluster "${flags.name}" is already running (pid ${pid}) at https://127.0.0.1:${config?.port ?? '?'}.`);
    const file = flags.kubeconfig ?? userKubeconfigPath(io.env);
    const exported = config?.kubeconfigs?.includes(file)
      ? { file, explicit: !!flags.kubeconfig, switched: true, written: false }
      : undefined;
    for (const line of howToUse(flags.name, exported, paths.kubeconfig)) io.out(line);
    return 0;
  }

  return new Promise<number>((resolve) => {
    let failure: string | undefined;
    let done = false;
    let child: ClusterProcess | undefined;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      resolve(code);
    };
    const timer = setTimeout(() => {
      failure = `cluster "${flags.name}" was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${paths.log}`;
      child?.kill('SIGTERM');
    }, READY_TIMEOUT_MS);
    const interrupt = () => {
      failure = 'interrupted; the cluster was stopped';
      child?.kill('SIGTERM');
    };
    process.on('SIGINT', interrupt);
    const options: StartOptions = {
      kubeconfig: { update: true, file: flags.kubeconfig, switchContext: flags.switchContext },
      port: flags.port,
      ingressPort: flags.ingressPort,
      ingressHttpsPort: flags.ingressHttpsPort,
      datastore: flags.datastore,
      etcdEndpoints: flags.etcdEndpoints,
      nodes: flags.nodes,
      nodeRuntime: flags.nodeRuntime,
      sandboxImage: flags.sandboxImage,
      podSecurity: flags.podSecurity,
      lbPortRange: flags.lbPortRange,
      // A relative policy file is the user's cwd's, not the detached child's.
      auditPolicy: flags.auditPolicy && auditPolicySetting(flags.auditPolicy),
      pkiFrom: flags.pkiFrom,
      leaderElection: flags.leaderElection,
      advertiseAddress: flags.advertiseAddress,
    };
    try {
      child = lifecycle.start(flags.name, options, {
        step: (step, detail) => io.out(`  ✓ ${step.padEnd(11)} ${detail ?? ''}`),
        trace: (line) => io.err(line),
        ready(url, exported) {
          io.out(`Cluster "${flags.name}" is ready at ${url} (${(performance.now() / 1000).toFixed(2)} s).`);
          for (const line of howToUse(flags.name, exported, paths.kubeconfig)) io.out(line);
          finish(0);
        },
        failed(message, exited) {
          if (done) return;
          io.err(`skiff: ${failure ?? (exited ? `${message}; see ${paths.log}` : message)}`);
          finish(1);
        },
      });
    } catch (err) {
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      dataDirError(err, lifecycle.dataDir); // throws, which rejects this promise
    }
    io.out(`Starting cluster "${flags.name}" in ${paths.dir}`);
  });
}
