// The connection check of a profile: credentials ready (exec consent, plugin found), the API
// server reachable and accepting them (/version), how many nodes, which namespaces. Every
// failure gets a precise reason; a 403 on nodes or namespaces is not a failure.
import type { KubeConfig } from '@kubernetes/client-node';
import { describeNetworkError } from '../proxy/connection-errors';
import { describeExecError } from './exec-consent';
import { kubeRequest, type KubeReply } from '../proxy/kube-request';
import type { KubeTarget, KubeTargets } from '../proxy/kube-target';
import { ExecConsentRequired, ProfileUnavailable, type Profile } from './profiles';
import type { ProfileCheck, ProfileNamespaces } from '../protocol';

export interface CheckOptions {
  targets: KubeTargets;
  /** Per request (default 5 s). */
  timeoutMs?: number;
  /** How long an exec plugin may take (default 30 s: some open a browser to log in). */
  execTimeoutMs?: number;
  /** The profile's namespace allow-list (for users who may not list namespaces). */
  allowList?: string[];
}

type Ready = { kc: KubeConfig; target: KubeTarget; server: URL };

/** The profile's KubeConfig and resolved target, or why not (as a failed check). */
async function prepare(profile: Profile, o: CheckOptions): Promise<Ready | { fail: Omit<ProfileCheck, 'checkedAt' | 'ms' | 'profile'> }> {
  let kc: KubeConfig;
  try {
    kc = profile.kubeConfig();
  } catch (err) {
    if (err instanceof ExecConsentRequired) return { fail: { ok: false, status: 'unknown', reason: err.message, exec: err.exec } };
    const reason = err instanceof ProfileUnavailable ? err.message : `cannot load its kubeconfig: ${firstLine(err)}`;
    return { fail: { ok: false, status: 'unknown', reason } };
  }
  const serverText = kc.getCurrentCluster()?.server ?? '';
  let server: URL;
  try {
    server = new URL(serverText);
  } catch {
    return {
      fail: {
        ok: false,
        status: 'unknown',
        reason: `the server "${serverText}" is not a URL; fix clusters[].cluster.server in the kubeconfig`,
      },
    };
  }
  try {
    const execMs = o.execTimeoutMs ?? 30_000;
    const target = await withTimeout(o.targets.resolve(kc, { keepAlive: false }), execMs, () =>
      profile.exec
        ? `the exec plugin "${profile.exec.command}" did not finish within ${execMs / 1000} s`
        : `preparing the credentials took longer than ${execMs / 1000} s`,
    );
    return { kc, target, server };
  } catch (err) {
    const reason = (err as { ownTimeout?: boolean }).ownTimeout
      ? firstLine(err)
      : (describeExecError(err, profile.exec) ?? `cannot use the credentials: ${firstLine(err)}`);
    return { fail: { ok: false, status: 'unknown', reason, server: server.origin } };
  }
}

export async function checkProfile(profile: Profile, o: CheckOptions): Promise<ProfileCheck> {
  const started = Date.now();
  const done = (c: Omit<ProfileCheck, 'checkedAt' | 'ms' | 'profile'>): ProfileCheck => ({
    profile: profile.name,
    ...c,
    checkedAt: new Date().toISOString(),
    ms: Date.now() - started,
  });
  const ready = await prepare(profile, o);
  if ('fail' in ready) return done(ready.fail);
  const { target, server, kc } = ready;
  const timeoutMs = o.timeoutMs ?? 5000;
  const get = (path: string) => kubeRequest(target, path, timeoutMs);

  let version: KubeReply;
  try {
    version = await get('/version');
  } catch (err) {
    return done({ ok: false, status: 'unreachable', reason: describeNetworkError(err, server, timeoutMs), server: server.origin });
  }
  if (version.status !== 200)
    return done({ ok: false, status: 'unreachable', reason: describeHttpFailure(version), server: server.origin });
  const serverVersion = parse<{ gitVersion?: string }>(version.text)?.gitVersion;

  const check: ProfileCheck = done({ ok: true, status: 'ready', server: server.origin, ...(serverVersion ? { serverVersion } : {}) });
  const [nodes, namespaces] = await Promise.all([
    get('/api/v1/nodes?limit=500').catch((err: unknown) => err as Error),
    namespacesFrom(get, profile.name, kc, o.allowList ?? [], server, timeoutMs),
  ]);
  if (nodes instanceof Error) check.nodesNote = `node count unknown: ${describeNetworkError(nodes, server, timeoutMs)}`;
  else if (nodes.status === 200) {
    const list = parse<{ items?: unknown[]; metadata?: { remainingItemCount?: number } }>(nodes.text);
    check.nodeCount = (list?.items?.length ?? 0) + (list?.metadata?.remainingItemCount ?? 0);
  } else if (nodes.status === 403) check.nodesNote = 'node count unknown: this user may not list nodes (403)';
  else check.nodesNote = `node count unknown: ${describeHttpFailure(nodes)}`;
  check.namespaces = namespaces;
  check.ms = Date.now() - started;
  return check;
}

/** The namespaces to offer: the cluster's, or (when listing is forbidden) the context's plus the allow-list. */
export async function profileNamespaces(profile: Profile, o: CheckOptions): Promise<ProfileNamespaces> {
  const ready = await prepare(profile, o);
  if ('fail' in ready) {
    return {
      profile: profile.name,
      namespaces: o.allowList ?? [],
      from: 'allow-list',
      defaultNamespace: 'default',
      reason: ready.fail.reason,
    };
  }
  const timeoutMs = o.timeoutMs ?? 5000;
  return namespacesFrom((p) => kubeRequest(ready.target, p, timeoutMs), profile.name, ready.kc, o.allowList ?? [], ready.server, timeoutMs);
}

async function namespacesFrom(
  get: (path: string) => Promise<KubeReply>,
  name: string,
  kc: KubeConfig,
  allowList: string[],
  server: URL,
  timeoutMs: number,
): Promise<ProfileNamespaces> {
  const defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  const fallback = (reason: string): ProfileNamespaces => ({
    profile: name,
    namespaces: [...new Set([defaultNamespace, ...allowList])],
    from: 'allow-list',
    defaultNamespace,
    reason,
  });
  let r: KubeReply;
  try {
    r = await get('/api/v1/namespaces');
  } catch (err) {
    return fallback(`cannot list namespaces: ${describeNetworkError(err, server, timeoutMs)}`);
  }
  if (r.status === 403) return fallback("this user may not list namespaces (403); showing the context's namespace and the allow-list");
  if (r.status !== 200) return fallback(`cannot list namespaces: ${describeHttpFailure(r)}`);
  const items = parse<{ items?: Array<{ metadata?: { name?: string } }> }>(r.text)?.items ?? [];
  const namespaces = items
    .map((i) => i.metadata?.name)
    .filter((n): n is string => !!n)
    .sort();
  return { profile: name, namespaces, from: 'cluster', defaultNamespace };
}

/** 401/403/other answers of the API server, in words. */
export function describeHttpFailure(r: KubeReply): string {
  const status = parse<{ message?: string }>(r.text);
  const message = status?.message ? `: ${status.message}` : '';
  if (r.status === 401) return 'unauthorized: the credentials were rejected';
  if (r.status === 403) return `forbidden${message || ': the user may not do this'}`;
  return `the API server answered ${r.status}${message || (r.text ? `: ${r.text.slice(0, 200).trim()}` : '')}`;
}

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error(why()), { ownTimeout: true })), ms))),
  ]).finally(() => clearTimeout(timer));
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
