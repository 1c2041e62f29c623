// Spawns `skiff start --foreground` for a local cluster the way `skiff start` does (detached,
// output to skiff.log, progress over Node IPC), but with the kubeconfig kept inside the
// cluster's own data dir: the app never writes the user's ~/.kube/config.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { clusterPaths } from '../../../engine/cluster/paths';
import type { ChildMessage } from '../../../engine/cli/protocol';
import type { RuntimeChoice } from '../protocol';
import { SKIFF_BIN } from '../root-paths';

export interface ClusterChildOptions {
  name: string;
  dataDir: string;
  nodes: number;
  runtime?: RuntimeChoice;
  env: Record<string, string | undefined>;
  skiffBin?: string;
  nodePath?: string;
}

export interface ClusterChildHandlers {
  step(step: string, detail?: string): void;
  ready(url: string): void;
  /** The child failed or exited before 'ready'; `message` is the child's own error when it sent one. */
  failed(message: string): void;
}

export interface ClusterChild {
  pid?: number;
  /** Signals the child (while we still own it). */
  kill(signal: NodeJS.Signals): void;
}

export function childArgs(o: ClusterChildOptions): string[] {
  const paths = clusterPaths(o.dataDir, o.name);
  const args = ['start', '--foreground', '--name', o.name, '--data-dir', o.dataDir, '--nodes', String(o.nodes)];
  if (o.runtime) args.push('--node-runtime', o.runtime);
  args.push('--kubeconfig', paths.kubeconfig, '--no-switch-context');
  return args;
}

export function spawnClusterChild(o: ClusterChildOptions, on: ClusterChildHandlers): ClusterChild {
  const paths = clusterPaths(o.dataDir, o.name);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const logFd = openSync(paths.log, 'a', 0o600);
  writeSync(logFd, `\n--- skiff app: start ${new Date().toISOString()}\n`);
  let child: ChildProcess;
  try {
    child = spawn(o.nodePath ?? process.execPath, [o.skiffBin ?? SKIFF_BIN, ...childArgs(o)], {
      detached: true, // own session: quitting the app leaves the cluster running
      stdio: ['ignore', logFd, logFd, 'ipc'],
      env: o.env as NodeJS.ProcessEnv,
    });
  } finally {
    closeSync(logFd);
  }
  let failure: string | undefined;
  let readySeen = false;
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'step') on.step(m.step, m.detail);
    else if (m.type === 'error') failure = m.message;
    else if (m.type === 'ready') {
      readySeen = true;
      // From here on the cluster lives on its own, like one started by the CLI.
      child.disconnect();
      child.unref();
      on.ready(m.url);
    }
  });
  child.on('error', (err) => {
    failure ??= `cannot run ${o.nodePath ?? process.execPath} (${(err as NodeJS.ErrnoException).code ?? err.message})`;
  });
  // 'close' comes after the last IPC message, so `failure` is final here.
  child.on('close', (code, signal) => {
    if (readySeen) return;
    on.failed(failure ?? `the cluster process exited (${signal ?? `code ${code}`}) before it was ready`);
  });
  return {
    pid: child.pid,
    kill(signal) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    },
  };
}
