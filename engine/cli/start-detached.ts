// `skiff start`: spawns `skiff start --foreground` detached (output to skiff.log), relays its
// progress over IPC, and returns once the cluster is ready or has failed.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readClusterConfig } from '../cluster/cluster-config';
import { dataDirError } from '../cluster/errors';
import { userKubeconfigPath } from '../cluster/kubeconfig';
import { clusterPaths, defaultDataDir } from '../cluster/paths';
import type { Flags } from './args';
import type { CliIo } from './io';
import { runningPid } from './pid-file';
import type { ChildMessage } from './protocol';
import { howToUse } from './usage';

const READY_TIMEOUT_MS = 60_000;
const BIN = fileURLToPath(new URL('../../bin/skiff.mjs', import.meta.url));

export async function startDetached(flags: Flags, io: CliIo): Promise<number> {
  const dataDir = flags.dataDir ?? defaultDataDir(io.env);
  const paths = clusterPaths(dataDir, flags.name);

  const pid = runningPid(paths.pid);
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

  let logFd: number;
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    logFd = openSync(paths.log, 'a', 0o600);
  } catch (err) {
    dataDirError(err, dataDir);
  }
  writeSync(logFd, `\n--- skiff start ${new Date().toISOString()}\n`);
  const child = spawn(process.execPath, [BIN, 'start', '--foreground', ...childFlags(flags, dataDir)], {
    detached: true, // own session: closing the terminal does not stop the cluster
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: io.env as NodeJS.ProcessEnv,
  });
  closeSync(logFd);
  io.out(`Starting cluster "${flags.name}" in ${paths.dir}`);

  return new Promise<number>((resolve) => {
    let failure: string | undefined;
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      resolve(code);
    };
    const timer = setTimeout(() => {
      failure = `cluster "${flags.name}" was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${paths.log}`;
      child.kill('SIGTERM');
    }, READY_TIMEOUT_MS);
    const interrupt = () => {
      failure = 'interrupted; the cluster was stopped';
      child.kill('SIGTERM');
    };
    process.on('SIGINT', interrupt);

    child.on('message', (m: ChildMessage) => {
      if (m.type === 'step') io.out(`  ✓ ${m.step.padEnd(11)} ${m.detail ?? ''}`);
      else if (m.type === 'error') failure = m.message;
      else if (m.type === 'ready') {
        // Let the child live on without us.
        child.disconnect();
        child.unref();
        io.out(`Cluster "${flags.name}" is ready at ${m.url} (${(performance.now() / 1000).toFixed(2)} s).`);
        for (const line of howToUse(flags.name, m.kubeconfig, paths.kubeconfig)) io.out(line);
        finish(0);
      }
    });
    child.on('error', (err) => {
      failure = `cannot run ${process.execPath} (${(err as NodeJS.ErrnoException).code ?? err.message})`;
    });
    // 'close' comes after the last IPC message, so `failure` is final here.
    child.on('close', (code, signal) => {
      if (done) return;
      io.err(`skiff: ${failure ?? `the cluster process exited (${signal ?? `code ${code}`}) before it was ready; see ${paths.log}`}`);
      finish(1);
    });
  });
}

function childFlags(flags: Flags, dataDir: string): string[] {
  const out = ['--name', flags.name, '--data-dir', dataDir];
  if (flags.port !== undefined) out.push('--port', String(flags.port));
  if (flags.kubeconfig) out.push('--kubeconfig', flags.kubeconfig);
  if (flags.datastore) out.push('--datastore', flags.datastore);
  if (flags.etcdEndpoints) out.push('--etcd-endpoints', flags.etcdEndpoints.join(','));
  if (!flags.switchContext) out.push('--no-switch-context');
  if (flags.nodes !== undefined) out.push('--nodes', String(flags.nodes));
  if (flags.nodeRuntime) out.push('--node-runtime', flags.nodeRuntime);
  if (flags.sandboxImage) out.push('--sandbox-image', flags.sandboxImage);
  return out;
}
