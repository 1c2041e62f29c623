// ServiceAccount controllers: a `default` ServiceAccount and a `kube-root-ca.crt` ConfigMap in
// every active namespace (recreated when deleted), and the token controller that fills
// Secrets of type kubernetes.io/service-account-token with a signed token, the CA and the
// namespace — as upstream's serviceaccount, root-ca-cert-publisher and tokens controllers.
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { ServiceAccountTokens } from '../pki/service-account-tokens';
import type { Controller, ControllerDeps } from './types';

export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/** What the lead passes the controller manager for tokens; optional so the manager works without. */
export type ServiceAccountDeps = ControllerDeps & { serviceAccountTokens?: ServiceAccountTokens; caCert?: string };

const ignore = (code: number) => (e: unknown) => {
  if (!isStatus(e, code)) throw e;
};

export function createServiceAccountController(deps: ServiceAccountDeps): Controller {
  const { client, informers, log } = deps;
  const namespaces = informers.informer(R.namespaces);
  const accounts = informers.informer(R.serviceaccounts);
  const configmaps = informers.informer(R.configmaps, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`serviceaccount ${k}: ${(e as Error).message}`) });

  async function sync(ns: string) {
    const namespace = namespaces.get(undefined, ns);
    if (!namespace || namespace.metadata.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    if (!accounts.get(ns, 'default')) {
      await client
        .create(R.serviceaccounts, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } })
        .catch(ignore(409));
    }
    if (deps.caCert) {
      // Upstream's root-ca-cert-publisher writes these; the ServiceAccount controller may not.
      const publisher = deps.clientAs?.('root-ca-cert-publisher') ?? client;
      const cm = configmaps.get(ns, ROOT_CA_CONFIGMAP);
      const data = { 'ca.crt': deps.caCert };
      const annotations = {
        'kubernetes.io/description':
          'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
      };
      if (!cm) {
        await publisher
          .create(R.configmaps, ns, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations },
            data,
          })
          .catch(ignore(409));
      } else if (cm.data?.['ca.crt'] !== deps.caCert) {
        await publisher.patch(R.configmaps, ns, ROOT_CA_CONFIGMAP, 'merge', { data });
      }
    }
  }

  return {
    name: 'serviceaccount',
    start() {
      namespaces.addHandlers({ add: (n) => queue.add(n.metadata.name!), update: (_a, n) => queue.add(n.metadata.name!) });
      accounts.addHandlers({ delete: (sa) => sa.metadata.name === 'default' && queue.add(sa.metadata.namespace!) });
      configmaps.addHandlers({ delete: (cm) => queue.add(cm.metadata.namespace!), update: (_a, cm) => queue.add(cm.metadata.namespace!) });
    },
    stop: () => queue.stop(),
  };
}

/** Fills service-account-token Secrets; deletes them when their ServiceAccount is gone. */
export function createServiceAccountTokenController(deps: ServiceAccountDeps): Controller {
  const { client, informers, log } = deps;
  const secrets = informers.informer(R.secrets, { fieldSelector: `type=${SA_TOKEN_TYPE}` });
  const accounts = informers.informer(R.serviceaccounts);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`serviceaccount-token ${k}: ${(e as Error).message}`) });
  const tokens = deps.serviceAccountTokens;
  let stopped = false;

  async function sync(key: string) {
    const { ns, name } = splitKey(key);
    const secret = secrets.get(ns, name);
    if (!secret || secret.metadata.deletionTimestamp || !tokens) return;
    const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION];
    if (!saName) return;
    let sa = accounts.get(ns, saName);
    if (!sa) sa = await client.get(R.serviceaccounts, ns, saName).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
    const wantUid = secret.metadata.annotations?.[SA_UID_ANNOTATION];
    if (!sa || (wantUid && wantUid !== sa.metadata.uid)) {
      // Upstream deletes tokens whose account is gone, but only once the secret has been bound to it.
      if (wantUid) await client.delete(R.secrets, ns, name).catch(ignore(404));
      return;
    }
    const data = secret.data ?? {};
    const token = data.token ? Buffer.from(data.token, 'base64').toString() : '';
    // Ours, for this account and this Secret (a token signed with a replaced key is reissued).
    const claims = token ? tokens.verify(token) : undefined;
    const valid =
      claims?.legacy?.secretName === name && claims.serviceAccount.name === saName && claims.serviceAccount.uid === sa.metadata.uid;
    const caOk = !deps.caCert || data['ca.crt'] === b64(deps.caCert);
    if (valid && caOk && data.namespace === b64(ns) && wantUid) return;
    const next: KubeObject = structuredClone(secret);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [SA_UID_ANNOTATION]: sa.metadata.uid! };
    next.data = {
      ...data,
      token: valid ? data.token : b64(tokens.issue(ns, saName, sa.metadata.uid!, { legacy: { secretName: name } })),
      namespace: b64(ns),
      ...(deps.caCert ? { 'ca.crt': b64(deps.caCert) } : {}),
    };
    await client.update(R.secrets, ns, next);
  }

  return {
    name: 'serviceaccount-token',
    start() {
      if (!tokens) log('serviceaccount-token: no signing key given; token Secrets stay empty');
      const k = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
      secrets.addHandlers({ add: (s) => queue.add(k(s)), update: (_a, s) => queue.add(k(s)) });
      // A retired key (`skiff sa-key retire`, or its time ran out): its tokens are reissued now.
      tokens?.onKeysChanged(() => {
        if (!stopped) for (const s of secrets.list()) queue.add(k(s));
      });
      accounts.addHandlers({
        delete: (sa) => {
          for (const s of secrets.list()) {
            if (s.metadata.namespace === sa.metadata.namespace && s.metadata.annotations?.[SA_NAME_ANNOTATION] === sa.metadata.name)
              queue.add(k(s));
          }
        },
      });
    },
    stop: () => {
      stopped = true;
      queue.stop();
    },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
