// Local clusters under the app's data dir: list (from disk, so clusters started by the CLI
// show up), start (a detached `skiff start --foreground` child with progress), stop, restart
// and delete (engine/cluster/lifecycle.ts, as `skiff` uses). Clusters keep running when the app exits.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { contextName } from '../../../engine/cluster/kubeconfig';
import { createClusterLifecycle, type ClusterLifecycle } from '../../../engine/cluster/lifecycle';
import { isAlive, readPid } from '../../../engine/cluster/pid-file';
import type { EventHub } from '../http/event-hub';
import { HostHttpError } from '../http/http-util';
import { createKubeTargets } from '../proxy/kube-target';
import { listNodes } from '../proxy/kube-request';
import { runClusterStart, type StartingCluster } from './cluster-start';
import { createStepTracker } from './cluster-steps';
import { parseStartRequest } from './start-request';
import { createCrashRestarts, restartSettingIn } from './crash-restarts';
import type { LocalCluster, RuntimeChoice, StartClusterRequest } from '../protocol';
import { SKIFF_BIN } from '../root-paths';

export interface ClusterManagerOptions {
  dataDir: string;
  hub: EventHub;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** Re-read the data dir this often to notice CLI starts/stops and crashes (0: never). Default 5 s. */
  pollMs?: number;
  /** Check that running cluster processes are alive this often (0: never). Default 1 s: a kill -9 shows at once. */
  livenessMs?: number;
  skiffBin?: string;
  /** How long a status refresh waits on each running cluster's /readyz (default 1.5 s). */
  readyCheckMs?: number;
  /** How long a start may take until the API server is ready (default 120 s). */
  readyTimeoutMs?: number;
  /** How long to wait for every Node to be Ready after that (default 60 s). */
  nodesTimeoutMs?: number;
  /** The "restart clusters that crash" setting (crash-restarts.ts); default: app-settings.json in dataDir. */
  restartCrashed?: () => boolean;
  /** Wraps the cluster lifecycle (tests use it to land a crash inside a status read). */
  wrapLifecycle?: (l: ClusterLifecycle) => ClusterLifecycle;
}

export interface ClusterManager {
  readonly dataDir: string;
  /**
   * Every cluster as known now, plus a liveness check (no waiting on readiness checks: a reload
   * paints at once); a refresh from the data dir runs behind it and publishes what changed as
   * 'cluster' events. Only the first call, before anything was read, waits for that read.
   */
  list(): Promise<LocalCluster[]>;
  /** Re-reads the data dir (shared with any refresh under way), then returns every cluster. */
  refresh(): Promise<LocalCluster[]>;
  /** The clusters as last seen (no I/O). */
  snapshot(): LocalCluster[];
  get(name: string): LocalCluster | undefined;
  /** Starts a new or stopped cluster; resolves once the start is under way ('starting'). */
  start(req: StartClusterRequest | unknown): Promise<LocalCluster>;
  startExisting(name: string): Promise<LocalCluster>;
  /** Resolves once the cluster is stopped. */
  stop(name: string): Promise<LocalCluster>;
  /** Resolves once the restart is under way. */
  restart(name: string): Promise<LocalCluster>;
  delete(name: string): Promise<void>;
  /** The cluster's own kubeconfig file (in its data dir). */
  kubeconfigPath(name: string): string;
  /** Resolves when the cluster's current operation (start, stop, ...) is over. */
  idle(name: string): Promise<void>;
  /** Stops polling. Clusters keep running. */
  close(): void;
}

interface Entry extends StartingCluster {
  op?: { kind: 'start' | 'stop' | 'restart' | 'delete'; done: Promise<void> };
  deleting?: boolean;
  runtimeProbed?: boolean;
  /** The cluster process as last seen running. */
  pid?: number;
  crashed?: boolean;
  kubeconfigs?: string[];
  ingress?: LocalCluster['ingress'];
}

export function createClusterManager(opts: ClusterManagerOptions): ClusterManager {
  const { dataDir, hub } = opts;
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const nodesTimeoutMs = opts.nodesTimeoutMs ?? 60_000;
  const entries = new Map<string, Entry>();
  const published = new Map<string, string>();
  const targets = createKubeTargets();
  const crashRestarts = createCrashRestarts({ enabled: opts.restartCrashed ?? restartSettingIn(dataDir) });
  const created = createClusterLifecycle({ dataDir, env, skiffBin: opts.skiffBin ?? SKIFF_BIN, logLabel: 'skiff app' });
  const lifecycle = opts.wrapLifecycle ? opts.wrapLifecycle(created) : created;

  async function stopCluster(name: string): Promise<void> {
    const r = await lifecycle.stop(name);
    if (r.stopped) log(`host: cluster "${name}" stopped (pid ${r.pid})`);
  }

  // The app never wrote the user's kubeconfig, so only the files cluster.json lists are cleaned.
  async function deleteCluster(name: string): Promise<void> {
    const r = await lifecycle.delete(name, { kubeconfig: { update: false } });
    for (const k of r.kubeconfigs) log(`host: removed context "${contextName(name)}" from ${k.file} (backup: ${k.backup})`);
    for (const w of r.warnings) log(`host: warning: ${w}`);
    log(`host: cluster "${name}" deleted (${r.dir})`);
  }
  let closed = false;

  const kubeConfigOf = (name: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(lifecycle.paths(name).kubeconfig);
    return kc;
  };

  function view(e: Entry): LocalCluster {
    return {
      name: e.name,
      profile: contextName(e.name),
      state: e.state,
      ...(e.url ? { url: e.url } : {}),
      ...(e.state === 'starting' && e.apiReady ? { apiReady: true } : {}),
      ...(e.nodes !== undefined ? { nodes: e.nodes } : {}),
      ...(e.runtime ? { runtime: e.runtime } : {}),
      steps: e.tracker?.steps() ?? [],
      progress: e.state === 'running' ? 1 : (e.tracker?.progress() ?? 0),
      ...(e.error ? { error: e.error } : {}),
      ...(e.crashed && e.state === 'failed' ? { crashed: true } : {}),
      ...(e.kubeconfigs?.length ? { kubeconfigs: e.kubeconfigs } : {}),
      ...(e.ingress && e.state === 'running' ? { ingress: e.ingress } : {}),
    };
  }

  function publish(e: Entry): LocalCluster {
    const v = view(e);
    const json = JSON.stringify(v);
    if (published.get(e.name) !== json && entries.get(e.name) === e) {
      published.set(e.name, json);
      hub.emit({ type: 'cluster', cluster: v });
    }
    return v;
  }

  function entry(name: string): Entry {
    let e = entries.get(name);
    if (!e) entries.set(name, (e = { name, state: 'stopped' }));
    return e;
  }

  function existing(name: string): Entry {
    const e = entries.get(name);
    if (e) return e;
    if (!existsSync(lifecycle.paths(checkName(name)).config)) {
      throw new HostHttpError(404, `cluster "${name}" does not exist in ${dataDir}`, 'create it first (POST /api/clusters)');
    }
    return entry(name);
  }

  function runOp(e: Entry, kind: NonNullable<Entry['op']>['kind'], work: () => Promise<void>): Promise<void> {
    const done = work()
      .catch((err) => log(`host: ${kind} of cluster "${e.name}" failed: ${(err as Error)?.stack ?? err}`))
      .finally(() => {
        if (e.op?.done === done) e.op = undefined;
      });
    e.op = { kind, done };
    return done;
  }

  /**
   * The process a running cluster had is dead, and its pid file is left behind (a clean stop
   * removes it): a crash. The pid is the one the host knew or, when it never learned it (the
   * start's own read came too early), the one the file names.
   */
  function diedUnderUs(e: Entry): boolean {
    const pid = e.pid ?? readPid(lifecycle.paths(e.name).pid);
    if (pid === undefined || isAlive(pid)) return false;
    e.pid = pid;
    return true;
  }

  async function refreshOne(name: string): Promise<void> {
    const e = entry(name);
    if (e.op) return; // our own operation knows better than the disk
    const p = await lifecycle.status(name, { readyTimeoutMs: opts.readyCheckMs ?? 1500 });
    if (e.op || entries.get(name) !== e) return; // an operation began while we looked
    e.url = p.url ?? e.url;
    const own = lifecycle.paths(name).dir;
    e.kubeconfigs = (p.config?.kubeconfigs ?? []).filter((f) => !f.startsWith(own + sep) && f !== own);
    const { ingressPort: http, ingressHttpsPort: https } = p.config ?? {};
    e.ingress = http || https ? { ...(http ? { http } : {}), ...(https ? { https } : {}) } : undefined;
    if (p.configError) {
      e.state = 'failed';
      e.error = p.configError.message;
    } else if (p.pid !== undefined) {
      e.state = p.ready ? 'running' : 'starting';
      e.pid = p.pid;
    } else if ((e.state === 'running' || e.state === 'starting') && diedUnderUs(e)) {
      // It died while we read its status: a crash (told, or restarted per the setting), not a stop.
      checkLiveness();
      return;
    } else {
      // A failed start stays failed (with its reason) until the next action; anything else stopped.
      if (e.state !== 'failed') {
        e.state = 'stopped';
        e.error = undefined;
      }
    }
    if (e.state === 'running' && !e.runtimeProbed) {
      e.runtimeProbed = true;
      try {
        const nodes = await listNodes(targets, kubeConfigOf(name));
        e.nodes = nodes.length;
        const runtimes = new Set(nodes.map((n) => n.runtime));
        if (runtimes.size === 1 && (nodes[0].runtime === 'docker' || nodes[0].runtime === 'simulated')) e.runtime ??= nodes[0].runtime;
      } catch (err) {
        log(`host: cannot list the nodes of cluster "${name}": ${(err as Error).message}`);
      }
    }
    publish(e);
  }

  async function refresh(): Promise<void> {
    // A process that died under us is a crash, told as one, before the status read calls it stopped.
    checkLiveness();
    const names = lifecycle.list();
    await Promise.all(names.map((n) => refreshOne(n).catch((err) => log(`host: cannot read cluster "${n}": ${(err as Error).message}`))));
    for (const [name, e] of entries) {
      if (!names.includes(name) && !e.op && !existsSync(lifecycle.paths(name).dir)) forget(name);
    }
  }

  function forget(name: string) {
    entries.delete(name);
    if (published.delete(name)) hub.emit({ type: 'cluster-deleted', name });
  }

  function beginStart(e: Entry, nodes: number, runtime: RuntimeChoice | undefined): void {
    e.state = 'starting';
    e.apiReady = false;
    e.error = undefined;
    e.crashed = false;
    e.pid = undefined;
    e.stopRequested = false;
    e.nodes = nodes;
    e.runtime = runtime;
    e.runtimeProbed = true;
    e.tracker = createStepTracker(e.name, nodes);
    publish(e);
    void runOp(e, 'start', () =>
      runClusterStart(e, nodes, runtime, {
        lifecycle,
        readyTimeoutMs,
        nodesTimeoutMs,
        publish: () => void publish(e),
        listNodes: () => listNodes(targets, kubeConfigOf(e.name)),
        isClosed: () => closed,
      }).then(() => {
        // Watched from now on by the liveness check (the child handle is gone once it is ready).
        if (e.state === 'running' || e.state === 'starting') e.pid = lifecycle.pid(e.name);
      }),
    );
  }

  const timer = opts.pollMs === 0 ? undefined : setInterval(() => void refreshing(), opts.pollMs ?? 5000);
  timer?.unref();

  // A cluster process that dies without stopping (kill -9, a crash, logout) leaves its pid file
  // behind; a clean stop removes it. One signal-0 per running cluster a second finds it.
  function checkLiveness(): void {
    for (const e of entries.values()) {
      const pid = e.pid ?? e.child?.pid ?? (e.state === 'running' ? readPid(lifecycle.paths(e.name).pid) : undefined);
      if (e.op || pid === undefined || (e.state !== 'running' && e.state !== 'starting') || isAlive(pid)) continue;
      e.pid = undefined;
      if (readPid(lifecycle.paths(e.name).pid) !== pid) {
        void refreshOne(e.name).catch(() => {});
        continue;
      }
      log(`host: cluster "${e.name}" process ${pid} exited unexpectedly`);
      if (crashRestarts.allow(e.name)) {
        // The setting: start it again at once (its containers are adopted, as by Start).
        log(`host: restarting cluster "${e.name}" (restartCrashedClusters)`);
        beginStart(e, e.nodes ?? 1, e.runtime);
        continue;
      }
      e.state = 'failed';
      e.crashed = true;
      const refused = crashRestarts.refused(e.name);
      e.error =
        `The cluster process (pid ${pid}) exited unexpectedly: it was killed or crashed. ` +
        `Its containers keep running; Start brings the cluster back and adopts them (log: ${lifecycle.paths(e.name).log})` +
        (refused ? `. ${refused}` : '');
      publish(e);
    }
  }
  const liveness = opts.livenessMs === 0 ? undefined : setInterval(checkLiveness, opts.livenessMs ?? 1000);
  liveness?.unref();
  let inFlight: Promise<void> | undefined;
  let read = false; // a refresh has completed: the known state is worth answering with
  const refreshing = () =>
    (inFlight ??= refresh()
      .then(() => void (read = true))
      .finally(() => (inFlight = undefined)));
  const snapshot = () => [...entries.values()].map(view).sort((a, b) => a.name.localeCompare(b.name));
  const refreshed = () => refreshing().then(snapshot);

  return {
    dataDir,
    async list() {
      if (!read) return refreshed();
      checkLiveness();
      void refreshing().catch((err) => log(`host: cannot read the clusters in ${dataDir}: ${(err as Error).message}`));
      return snapshot();
    },
    refresh: refreshed,
    snapshot,
    get: (name) => (entries.has(name) ? view(entries.get(name)!) : undefined),

    async start(body) {
      const req = parseStartRequest(body);
      return start(req);
    },

    async startExisting(name) {
      const e = existing(name);
      return start({ name, nodes: Math.min(Math.max(e.nodes ?? 1, 1), 50), runtime: e.runtime });
    },

    async stop(name) {
      const e = existing(name);
      if (e.op && e.op.kind !== 'start') throw new HostHttpError(409, `cluster "${name}" is busy (${e.op.kind})`, 'wait for it to finish');
      const wasStarting = e.op;
      e.state = 'stopping';
      publish(e);
      const work = async () => {
        if (wasStarting) {
          e.stopRequested = true;
          e.child?.kill('SIGTERM');
          await wasStarting.done;
        }
        await stopCluster(name);
      };
      try {
        await runOpStrict(e, 'stop', work);
        e.state = 'stopped';
        e.error = undefined;
      } catch (err) {
        e.state = 'failed';
        e.error = (err as Error).message;
        throw err;
      } finally {
        e.stopRequested = false;
        publish(e);
      }
      return view(e);
    },

    async restart(name) {
      const e = existing(name);
      if (e.op) throw new HostHttpError(409, `cluster "${name}" is busy (${e.op.kind})`, 'wait for it to finish');
      const nodes = Math.min(Math.max(e.nodes ?? 1, 1), 50);
      const runtime = e.runtime;
      e.state = 'stopping';
      publish(e);
      void runOp(e, 'restart', async () => {
        try {
          await stopCluster(name);
        } catch (err) {
          e.state = 'failed';
          e.error = (err as Error).message;
          publish(e);
          return;
        }
        e.op = undefined;
        beginStart(e, nodes, runtime);
      });
      return view(e);
    },

    async delete(name) {
      const e = existing(name);
      if (e.deleting) throw new HostHttpError(409, `cluster "${name}" is already being deleted`, 'wait for it to finish');
      e.deleting = true;
      try {
        // A start in progress is stopped; any other operation is let finish first.
        const starting = e.op?.kind === 'start' ? e.op : undefined;
        if (e.op && !starting) await e.op.done;
        e.state = 'stopping';
        publish(e);
        await runOpStrict(e, 'delete', async () => {
          if (starting) {
            e.stopRequested = true;
            e.child?.kill('SIGTERM'); // its pid file may not exist yet
            await starting.done;
          }
          await stopCluster(name);
          await deleteCluster(name);
        });
      } catch (err) {
        e.state = 'failed';
        e.error = (err as Error).message;
        publish(e);
        throw err;
      } finally {
        e.deleting = false;
      }
      forget(name);
    },

    kubeconfigPath: (name) => lifecycle.paths(name).kubeconfig,
    idle: async (name) => {
      for (let op = entries.get(name)?.op; op; op = entries.get(name)?.op) await op.done;
    },
    close() {
      closed = true;
      if (liveness) clearInterval(liveness);
      if (timer) clearInterval(timer);
      targets.close();
    },
  };

  function start(req: { name: string; nodes: number; runtime?: RuntimeChoice }): LocalCluster {
    const e = entry(req.name);
    if (e.op) throw new HostHttpError(409, `cluster "${req.name}" is busy (${e.op.kind})`, 'wait for it to finish');
    // The disk, not our last look, says whether it runs (the CLI may have started or stopped it).
    const pid = lifecycle.pid(req.name);
    if (pid !== undefined) {
      void refreshOne(req.name);
      throw new HostHttpError(409, `cluster "${req.name}" is already running (pid ${pid})`, 'stop it first, or use it as it is');
    }
    beginStart(e, req.nodes, req.runtime);
    return view(e);
  }

  // Like runOp, but the caller sees the error (stop and delete answer the request with it).
  async function runOpStrict(e: Entry, kind: NonNullable<Entry['op']>['kind'], work: () => Promise<void>): Promise<void> {
    let failure: unknown;
    await runOp(e, kind, () => work().catch((err) => void (failure = err)));
    if (failure) throw failure;
  }
}

function checkName(name: string): string {
  parseStartRequest({ name });
  return name;
}
