/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// Two controllers over bootstrap-token Secrets (kube-controller-manager's bootstrapsigner and
// tokencleaner): the signer keeps one detached JWS per signing token in kube-public/cluster-info
// (`jws-kubeconfig-<id>`, HS256 over the kubeconfig keyed by the token's secret), so a joining
// machine holding a token can trust the CA it reads there; the cleaner deletes expired tokens
// (at their expiry, not at the next resync).
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { KubeObject } from '../kinds/types';
import {
  BOOTSTRAP_TOKEN_PREFIX,
  BOOTSTRAP_TOKEN_TYPE,
  CLUSTER_INFO,
  bootstrapTokenData,
  bootstrapTokenExpired,
  signDetached,
} from '../pki/bootstrap-token';
import type { Controller, ControllerDeps } from './types';

const NS = 'kube-system';
const tokenSecrets = (deps: ControllerDeps) =>
  deps.informers.informer(R.secrets, { namespace: NS, fieldSelector: `type=${BOOTSTRAP_TOKEN_TYPE}` });

export function createBootstrapSignerController(deps: ControllerDeps): Controller {
  const { client, informers, log } = deps;
  const secrets = tokenSecrets(deps);
  const configmaps = informers.informer(R.configmaps, {
    namespace: CLUSTER_INFO.namespace,
    fieldSelector: `metadata.name=${CLUSTER_INFO.name}`,
  });
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`bootstrapsigner: ${(e as Error).message}`) });
  const KEY = 'cluster-info';
  let nextExpiry: ReturnType<typeof setTimeout> | undefined;

  async function sync() {
    const cm = configmaps.get(CLUSTER_INFO.namespace, CLUSTER_INFO.name);
    const content = cm?.data?.[CLUSTER_INFO.kubeconfigKey] as string | undefined;
    if (!cm || !content) return;
    const now = deps.now();
    const want: Record<string, string> = {};
    let soonest = Infinity;
    for (const s of secrets.list()) {
      if (s.metadata.deletionTimestamp || !s.metadata.name?.startsWith(BOOTSTRAP_TOKEN_PREFIX)) continue;
      const d = bootstrapTokenData(s);
      if (d['usage-bootstrap-signing'] !== 'true' || !d['token-id'] || !d['token-secret'] || bootstrapTokenExpired(d, now)) continue;
      if (s.metadata.name !== BOOTSTRAP_TOKEN_PREFIX + d['token-id']) continue;
      want[CLUSTER_INFO.jwsPrefix + d['token-id']] = signDetached(content, { id: d['token-id'], secret: d['token-secret'] });
      if (d.expiration) soonest = Math.min(soonest, Date.parse(d.expiration));
    }
    // An expiring token's signature goes at its expiry, even before the cleaner deletes it.
    if (nextExpiry) clearTimeout(nextExpiry);
    nextExpiry = Number.isFinite(soonest) ? setTimeout(() => queue.add(KEY), Math.max(0, soonest - now.getTime()) + 50) : undefined;
    nextExpiry?.unref?.();
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) if (!k.startsWith(CLUSTER_INFO.jwsPrefix)) data[k] = v;
    Object.assign(data, want);
    if (JSON.stringify(sorted(data)) === JSON.stringify(sorted(cm.data ?? {}))) return;
    await client.update(R.configmaps, CLUSTER_INFO.namespace, { ...structuredClone(cm), data });
  }

  return {
    name: 'bootstrapsigner',
    start() {
      const kick = () => queue.add(KEY);
      secrets.addHandlers({ add: kick, update: kick, delete: kick });
      configmaps.addHandlers({ add: kick, update: kick });
    },
    stop() {
      if (nextExpiry) clearTimeout(nextExpiry);
      queue.stop();
    },
  };
}

export function createTokenCleanerController(deps: ControllerDeps): Controller {
  const { client, log } = deps;
  const secrets = tokenSecrets(deps);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`tokencleaner ${k}: ${(e as Error).message}`) });

  async function sync(name: string) {
    const s = secrets.get(NS, name);
    if (!s || s.metadata.deletionTimestamp) return;
    const d = bootstrapTokenData(s);
    if (!d.expiration) return;
    const left = Date.parse(d.expiration) - deps.now().getTime();
    if (!bootstrapTokenExpired(d, deps.now())) return queue.addAfter(name, left + 50);
    await client
      .delete(R.secrets, NS, name, { preconditions: { uid: s.metadata.uid, resourceVersion: s.metadata.resourceVersion } })
      .catch((e: { code?: number }) => {
        if (e.code !== 404 && e.code !== 409) throw e;
      });
    log(`tokencleaner: deleted expired bootstrap token ${name}`);
  }

  const enqueue = (s: KubeObject) => queue.add(s.metadata.name!);
  return {
    name: 'tokencleaner',
    start() {
      secrets.addHandlers({ add: enqueue, update: (_o, s) => enqueue(s) });
    },
    stop: () => queue.stop(),
  };
}

function sorted(o: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
