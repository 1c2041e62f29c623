// Turns a profile's KubeConfig into request options for its API server, with
// @kubernetes/client-node doing the credential work (CA, client cert, token, exec plugin).
// Keep-alive agents are reused per TLS identity so a busy UI does not handshake per request.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeTarget {
  /** The API server's base URL (it may carry a path prefix, e.g. behind Rancher). */
  server: URL;
  secure: boolean;
  /** Headers the credentials need (Authorization, Impersonate-User, ...). */
  headers: Record<string, string>;
  /** TLS material and an agent, ready for http(s).request. */
  options: RequestOptions;
}

export interface KubeTargets {
  /** keepAlive false: a fresh connection (for upgrades, whose socket leaves the pool). */
  resolve(kc: KubeConfig, opts?: { keepAlive?: boolean }): Promise<KubeTarget>;
  /** The server refused the credentials (401): an exec plugin's cached credential is dropped. */
  invalidate(kc: KubeConfig): void;
  close(): void;
}

// client-node runs an exec plugin on every request unless its credential carries an expiry;
// like client-go, keep such a credential until the server answers 401 (at most an hour).
const EXEC_CACHE_MS = 3600_000;

export function createKubeTargets(): KubeTargets {
  const agents = new Map<string, HttpAgent>();
  const execCache = new Map<string, { applied: Promise<Record<string, unknown>>; at: number }>();
  const execKey = (kc: KubeConfig) => {
    const user = kc.getCurrentUser() as { name?: string; exec?: unknown } | null;
    return user?.exec ? JSON.stringify([kc.getCurrentCluster()?.server, user.name, user.exec]) : undefined;
  };
  const apply = (kc: KubeConfig): Promise<Record<string, unknown>> => {
    const run = async () => {
      const applied: Record<string, unknown> = {};
      await keepingEnv(kc, () => kc.applyToHTTPSOptions(applied as never));
      return applied;
    };
    const key = execKey(kc);
    if (!key) return run();
    const hit = execCache.get(key);
    if (hit && Date.now() - hit.at < EXEC_CACHE_MS) return hit.applied;
    const applied = run();
    execCache.set(key, { applied, at: Date.now() });
    applied.catch(() => execCache.delete(key));
    return applied;
  };

  return {
    async resolve(kc, { keepAlive = true } = {}) {
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new Error(`the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
      const server = new URL(cluster.server);
      // applyToHTTPSOptions fills ca/cert/key/headers/auth and creates an agent for us.
      const applied = (await apply(kc)) as Record<string, unknown> & { headers?: Record<string, unknown> };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(applied.headers ?? {}))
        if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
      if (typeof applied.auth === 'string') headers.Authorization = `Basic ${Buffer.from(applied.auth).toString('base64')}`;
      const tls = {
        ca: applied.ca,
        cert: applied.cert,
        key: applied.key,
        pfx: applied.pfx,
        passphrase: applied.passphrase,
        rejectUnauthorized: applied.rejectUnauthorized as boolean | undefined,
        servername: applied.servername as string | undefined,
      };
      const secure = server.protocol === 'https:';
      let agent = applied.agent as HttpAgent | undefined;
      // Behind a proxy the library's agent knows the way; otherwise pool our own.
      if (keepAlive && !cluster.proxyUrl) {
        const key = identity(cluster.server, tls);
        agent = agents.get(key);
        if (!agent) {
          agent = secure ? new HttpsAgent({ keepAlive: true, ...clean(tls) } as never) : new HttpAgent({ keepAlive: true });
          agents.set(key, agent);
        }
      }
      return { server, secure, headers, options: { ...clean(tls), agent } as RequestOptions };
    },
    invalidate(kc) {
      const key = execKey(kc);
      if (key) execCache.delete(key);
    },
    close() {
      execCache.clear();
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}

/**
 * client-node's exec auth writes the plugin's env into process.env (and leaves it there) before
 * spawning, synchronously within the call: put those variables back right after the call, so one
 * profile's plugin env never leaks into the host or into another profile's plugin.
 */
export function keepingEnv<T>(kc: KubeConfig, run: () => Promise<T>): Promise<T> {
  const user = kc.getCurrentUser() as { exec?: { env?: unknown }; authProvider?: { config?: { exec?: { env?: unknown } } } } | null;
  const env = user?.exec?.env ?? user?.authProvider?.config?.exec?.env;
  if (!Array.isArray(env) || !env.length) return run();
  const saved = new Map<string, string | undefined>();
  for (const e of env) if (typeof e?.name === 'string') saved.set(e.name, process.env[e.name]);
  try {
    return run();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Joins the server's base path and the Kubernetes path the browser asked for. */
export function upstreamPath(server: URL, path: string, search: string): string {
  const base = server.pathname.replace(/\/+$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}${search}`;
}

function identity(server: string, tls: Record<string, unknown>): string {
  const h = createHash('sha256').update(server);
  for (const [k, v] of Object.entries(tls)) h.update(`\0${k}=`).update(v === undefined ? '' : Buffer.isBuffer(v) ? v : String(v));
  return h.digest('hex');
}

function clean<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
