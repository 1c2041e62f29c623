// Starts a local cluster's control plane from its data dir: PKI -> store -> API server ->
// kubeconfig, reporting each step with its duration. Later issues add controllers, the
// scheduler and kubelets here. Dependencies are injectable so tests can fake the heavy parts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateSigningKey } from '../apiserver/token-auth';
import { UnavailableError, type Store } from '../store/types';
import type { ApiServerOptions, ApiServer } from '../apiserver/server';
import type { ClusterComponents, NodeRuntime } from './components';
import { loadOrCreatePki } from '../pki/load-or-create-pki';
import { writePrivateFile } from '../pki/private-file';
import { ADMIN_GROUPS, ADMIN_USER } from '../pki/types';
import { clusterPaths } from './paths';
import { readClusterConfig, writeClusterConfig, type ClusterConfig, type Datastore } from './cluster-config';
import { buildKubeconfigEntries, kubeconfigYaml, type KubeconfigEntries } from './kubeconfig';
import { SkiffError, dataDirError, errorCode } from './errors';
import { etcdPrefix } from './wipe-etcd';

export const DEFAULT_ETCD_ENDPOINTS = ['http://127.0.0.1:2379'];

export type StoreOpenOptions = { kind: 'sqlite'; path: string } | { kind: 'etcd'; endpoints: string[]; prefix?: string };

export interface ControlPlaneDeps {
  openStore(opts: StoreOpenOptions): Promise<Store>;
  startApiServer(opts: ApiServerOptions): Promise<Pick<ApiServer, 'port' | 'url' | 'close'> & Partial<Pick<ApiServer, 'core'>>>;
}

export interface ControlPlaneOptions {
  name: string;
  dataDir: string;
  /** Default: the port in cluster.json, else 0 (any free port, then kept). */
  port?: number;
  /** Default: the datastore in cluster.json, else sqlite. Changing it for an existing cluster is refused. */
  datastore?: Datastore;
  etcdEndpoints?: string[];
  /** Nodes to run (missing ones are created; default 1). */
  nodes?: number;
  nodeRuntime?: NodeRuntime;
  /** Pod sandbox image for Docker nodes (default registry.k8s.io/pause). */
  sandboxImage?: string;
  onStep?: (step: string, detail?: string) => void;
  log?: (line: string) => void;
  deps?: ControlPlaneDeps;
}

export interface ControlPlane {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfig: KubeconfigEntries;
  config: ClusterConfig;
  /** In-process client of the running cluster (when components run). */
  client?: import('../client/types').KubeClient;
  stop(): Promise<void>;
}

const defaultDeps: ControlPlaneDeps = {
  // Imported on demand so `skiff status` and friends never pay for loading the server.
  // SQLite loads its backend alone: the etcd client takes ~0.4 s to import, a third of the start budget.
  openStore: async (o) =>
    o.kind === 'sqlite'
      ? (await import('../store/sqlite-store')).openSqliteStore({ path: o.path })
      : (await import('../store/open-store')).openStore(o),
  startApiServer: async (o) => (await import('../apiserver/server')).startApiServer(o),
};

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const deps = opts.deps ?? defaultDeps;
  const paths = clusterPaths(opts.dataDir, opts.name);
  const step = timer(opts.onStep);

  const saved = readClusterConfig(paths.config);
  if (saved && opts.datastore && opts.datastore !== saved.datastore) {
    throw new SkiffError(
      `cluster "${opts.name}" keeps its data in ${saved.datastore}, not ${opts.datastore}`,
      `drop --datastore, or delete the cluster first (skiff delete --name ${opts.name})`,
    );
  }
  const datastore = opts.datastore ?? saved?.datastore ?? 'sqlite';
  const etcdEndpoints = datastore === 'etcd' ? (opts.etcdEndpoints ?? saved?.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS) : undefined;
  const wantedPort = opts.port ?? saved?.port ?? 0;
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    dataDirError(err, opts.dataDir);
  }

  const pki = await loadOrCreatePki(paths.pki).catch((err) => dataDirError(err, paths.pki));
  step('pki', paths.pki);

  const store = await deps
    .openStore(etcdEndpoints ? { kind: 'etcd', endpoints: etcdEndpoints, prefix: etcdPrefix(opts.name) } : { kind: 'sqlite', path: paths.db })
    .catch((err) => storeError(err, paths.db, etcdEndpoints));
  step('store', etcdEndpoints ? `etcd ${etcdEndpoints.join(',')}` : `sqlite ${paths.db}`);

  let server: Awaited<ReturnType<ControlPlaneDeps['startApiServer']>>;
  try {
    server = await deps.startApiServer({
      store,
      host: '127.0.0.1',
      port: wantedPort,
      tls: { cert: pki.serverCert, key: pki.serverKey, clientCA: pki.caCert },
      tokens: { [pki.adminToken]: { user: ADMIN_USER, groups: ADMIN_GROUPS } },
      serviceAccountKey: loadOrCreateSigningKey(join(paths.pki, 'sa.key')),
      log: opts.log,
    });
  } catch (err) {
    await store.close().catch(() => {});
    if (errorCode(err) === 'EADDRINUSE') {
      throw new SkiffError(`port ${wantedPort} on 127.0.0.1 is already in use`, 'stop what listens there, or pass --port N (0 picks a free port)');
    }
    throw err;
  }
  step('apiserver', server.url);

  let components: ClusterComponents | undefined;
  if (server.core) {
    try {
      const { startClusterComponents } = await import('./components');
      const { chooseNodeRuntime } = await import('./node-runtime');
      const nodes = opts.nodes ?? 1;
      const nodeRuntime = nodes > 0 ? await chooseNodeRuntime(opts.nodeRuntime, opts.log ?? (() => {})) : 'simulated';
      components = await startClusterComponents({
        core: server.core, clusterName: opts.name, nodes, nodeRuntime, dataDir: paths.dir, log: opts.log, sandboxImage: opts.sandboxImage,
      });
      step('nodes', `${nodes} ${nodeRuntime} node(s), scheduler, controllers`);
    } catch (err) {
      await server.close().catch(() => {});
      await store.close().catch(() => {});
      throw err;
    }
  }

  const entries = buildKubeconfigEntries(opts.name, server.url, pki);
  const config: ClusterConfig = {
    name: opts.name,
    port: server.port,
    datastore,
    ...(etcdEndpoints ? { etcdEndpoints } : {}),
    created: saved?.created ?? new Date().toISOString(),
    ...(saved?.kubeconfigs ? { kubeconfigs: saved.kubeconfigs } : {}),
  };
  try {
    if (JSON.stringify(config) !== JSON.stringify(saved)) writeClusterConfig(paths.config, config);
    writePrivateFile(paths.kubeconfig, kubeconfigYaml(entries));
  } catch (err) {
    await server.close().catch(() => {});
    await store.close().catch(() => {});
    dataDirError(err, paths.dir);
  }
  step('kubeconfig', paths.kubeconfig);

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    kubeconfigPath: paths.kubeconfig,
    kubeconfig: entries,
    config,
    client: components?.client,
    // API server first so no request sees a closed store; idempotent.
    stop: () =>
      (stopping ??= (async () => {
        try {
          components?.stop();
          await server.close();
        } finally {
          await store.close();
        }
      })()),
  };
}

function storeError(err: unknown, dbPath: string, etcdEndpoints: string[] | undefined): never {
  const reason = errorCode(err) ?? firstLine(err);
  if (etcdEndpoints) {
    if (err instanceof UnavailableError || (err as Error)?.name === 'UnavailableError') {
      throw new SkiffError(`cannot reach etcd at ${etcdEndpoints.join(',')}`, 'start etcd there, or pass --etcd-endpoints URL[,URL]');
    }
    throw new SkiffError(`cannot open the etcd store at ${etcdEndpoints.join(',')} (${reason})`, 'check that etcd is healthy and --etcd-endpoints is right');
  }
  throw new SkiffError(`cannot open the sqlite store ${dbPath} (${reason})`, 'fix the data dir permissions, or choose another with --data-dir DIR');
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

// Reports each step with the time since the previous one.
function timer(onStep: ControlPlaneOptions['onStep']) {
  let last = performance.now();
  return (name: string, detail: string) => {
    const now = performance.now();
    onStep?.(name, `${detail} (${Math.round(now - last)} ms)`);
    last = now;
  };
}
