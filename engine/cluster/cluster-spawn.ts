// Starting a cluster: one `skiff start --foreground` process per cluster, detached (it
// outlives whoever started it), output appended to skiff.log, progress over Node IPC
// (child-protocol.ts). `skiff start` and the app both start clusters this way.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import type { Datastore, PodSecurityLevel } from './cluster-config';
import { KUBECONFIG_BY_PARENT_ENV, type ChildMessage } from './child-protocol';
import type { NodeRuntime } from './components';
import type { ExportedKubeconfig } from './export-kubeconfig';
import type { ClusterPaths } from './paths';
import { rotateLog } from './log-rotation';
import { START_FLAGS, type StartFlag } from './start-flags';

/**
 * Which kubeconfig the cluster's credentials go to. `update: false`: only the cluster's own
 * `<data dir>/<name>/kubeconfig`, the user's files stay as they are (the app). `update: true`:
 * merged into `file` (default kubectl's: $KUBECONFIG or ~/.kube/config), its context made
 * current unless `switchContext` is false (a named file is always switched).
 */
export type KubeconfigChoice = { update: false } | { update: true; file?: string; switchContext?: boolean };

/** A start's options; their flags and help are in start-flags.ts. */
export interface StartOptions {
  kubeconfig: KubeconfigChoice;
  port?: number;
  /** The ingress's HTTP and HTTPS ports on 127.0.0.1 (0: any free port). */
  ingressPort?: number;
  ingressHttpsPort?: number;
  datastore?: Datastore;
  etcdEndpoints?: string[];
  nodes?: number;
  nodeRuntime?: NodeRuntime;
  sandboxImage?: string;
  /** Pod Security for namespaces without labels (absent: the cluster's saved level, else baseline). */
  podSecurity?: PodSecurityLevel;
  /** Host ports LoadBalancer Services may take, "low-high" (absent: the saved range, else 1025-65535). */
  lbPortRange?: string;
  /** The audit policy: a file's absolute path, "default" or "none" (absent: the saved one, else none). */
  auditPolicy?: string;
  /** HA: copy the shared PKI from another instance's pki dir first. */
  pkiFrom?: string;
  /** etcd: leader election timings. */
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /** An address of this machine the API server also listens on (absent: the saved one, else loopback only). */
  advertiseAddress?: string;
}

export interface StartHandlers {
  step(step: string, detail?: string): void;
  /** A SKIFF_TRACE=start line (only when that variable is set). */
  trace?(line: string): void;
  /** The API server answers and the cluster's kubeconfig is written; 'ready' comes once its nodes are Ready. */
  api?(url: string): void;
  /** The cluster is ready; from here on its process lives on its own. */
  ready(url: string, kubeconfig: ExportedKubeconfig): void;
  /**
   * The process failed or exited before 'ready'. `exited` is how it ended when it sent no
   * error of its own (then the reason is only in skiff.log).
   */
  failed(message: string, exited?: boolean): void;
}

export interface ClusterProcess {
  pid?: number;
  /** Signals the process (while we still own it, i.e. before 'ready'). */
  kill(signal: NodeJS.Signals): void;
}

export interface SpawnDeps {
  skiffBin: string;
  nodePath: string;
  env: Record<string, string | undefined>;
  /** Who starts it, written in skiff.log's separator line ("skiff", "skiff app"). */
  logLabel: string;
}

export function foregroundArgs(dataDir: string, paths: ClusterPaths, name: string, o: StartOptions): string[] {
  const args = ['start', '--foreground', '--name', name, '--data-dir', dataDir];
  for (const f of START_FLAGS as readonly StartFlag[]) if (f.argv) args.push(...f.argv(o, paths.kubeconfig));
  return args;
}

/** Throws when the data dir or its log cannot be written (filesystem errors as they are). */
export function spawnCluster(args: string[], paths: ClusterPaths, deps: SpawnDeps, on: StartHandlers): ClusterProcess {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  try {
    rotateLog(paths.log);
  } catch {
    // a log that cannot rotate is still appended to
  }
  const logFd = openSync(paths.log, 'a', 0o600);
  let child: ChildProcess;
  try {
    writeSync(logFd, `\n--- ${deps.logLabel} start ${new Date().toISOString()}\n`);
    child = spawn(deps.nodePath, [deps.skiffBin, ...args], {
      detached: true, // own session: closing the terminal or quitting the app leaves it running
      stdio: ['ignore', logFd, logFd, 'ipc'],
      // Two malloc arenas (glibc; other C libraries ignore it): the cluster is one event loop
      // and a few pool threads, and glibc's default of 8 arenas per core only keeps freed
      // memory resident, about 10 MB of an idle cluster's RSS (pods bench). One arena saves
      // ~7 MB more, but while V8's compiler and GC threads are busy (start, new code paths)
      // they and the event loop queue on it: cold start to node Ready 624 against 589 ms, GETs
      // during warm-up p50 0.14 against 0.11 ms; equal once warm. A user's value wins.
      env: { ...deps.env, MALLOC_ARENA_MAX: deps.env.MALLOC_ARENA_MAX ?? '2', [KUBECONFIG_BY_PARENT_ENV]: '1' },
    });
  } finally {
    closeSync(logFd);
  }
  let failure: string | undefined;
  let readySeen = false;
  // Loaded while the child starts (this process idles meanwhile), for the merge 'ready' may hand over.
  const exporter = import('./export-kubeconfig');
  exporter.catch(() => {}); // met when used
  const ready = (url: string, exported: ExportedKubeconfig) => {
    readySeen = true;
    child.disconnect();
    child.unref();
    on.ready(url, exported);
  };
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'step') on.step(m.step, m.detail);
    else if (m.type === 'trace') on.trace?.(m.line);
    else if (m.type === 'api') on.api?.(m.url);
    else if (m.type === 'error') failure = m.message;
    else if (m.type === 'ready' && m.kubeconfig) ready(m.url, m.kubeconfig);
    else if (m.type === 'ready' && m.merge) {
      const { entries, file, switchContext } = m.merge;
      exporter
        .then(({ exportKubeconfig }) => exportKubeconfig(entries, { file, switchContext }, deps.env, paths.config))
        .then(
          (exported) => ready(m.url, exported),
          (err: Error) => {
            // As when the child itself cannot write it: the start fails and the cluster stops.
            failure = String(err?.message ?? err).split('\n')[0];
            try {
              child.kill('SIGTERM');
            } catch {
              // already gone
            }
          },
        );
    }
  });
  child.on('error', (err) => {
    failure ??= `cannot run ${deps.nodePath} (${(err as NodeJS.ErrnoException).code ?? err.message})`;
  });
  // 'close' comes after the last IPC message, so `failure` is final here.
  child.on('close', (code, signal) => {
    if (readySeen) return;
    if (failure) on.failed(failure);
    else on.failed(`the cluster process exited (${signal ?? `code ${code}`}) before it was ready`, true);
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
