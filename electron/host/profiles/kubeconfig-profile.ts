// One kubeconfig context as a Profile: a KubeConfig holding only that context (for the proxy
// and checks), gated so that an exec plugin never runs, and a credential file outside an
// imported kubeconfig's folder is never read, before the user allowed exactly that for this
// server (consent-need.ts); and the same context as a standalone kubeconfig with credentials inlined.
import { readFileSync } from 'node:fs';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { CatalogEntry } from './kubeconfig-catalog';
import { execCommandOf, type ConsentStore } from './exec-consent';
import { consentNeedOf } from './consent-need';
import { ExecConsentRequired, ProfileUnavailable, type Profile } from './profiles';

/**
 * The entry alone in a KubeConfig. forUse: as the proxy needs it — the user renamed per
 * profile definition (client-node caches exec credentials by user name, across KubeConfigs)
 * and plain-http servers marked insecure (client-node refuses http otherwise; TLS is moot there).
 */
export function entryKubeConfig(entry: CatalogEntry, forUse: boolean): KubeConfig {
  if (!entry.cluster) throw new ProfileUnavailable(entry.error ?? `profile "${entry.name}" has no cluster`);
  const cluster: Cluster = {
    ...entry.cluster,
    name: entry.name,
    skipTLSVerify: entry.cluster.skipTLSVerify || (forUse && entry.cluster.server.startsWith('http:')),
  };
  // A context without a user still needs one: client-node applies the CA only when there is a user.
  const user: User = {
    ...(entry.user ?? {}),
    name: forUse ? `${entry.name}#${entry.fingerprint}` : entry.name,
    // Read on each use, as client-go re-reads it (tokens in files rotate); callers checked consent.
    ...(entry.tokenFile ? { token: readTokenFile(entry) } : {}),
  };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: entry.name, cluster: cluster.name, user: user.name, ...(entry.namespace ? { namespace: entry.namespace } : {}) }],
    currentContext: entry.name,
  });
  return kc;
}

export function kubeconfigProfile(entry: CatalogEntry, consent: ConsentStore): Profile {
  const exec = execCommandOf(entry.user);
  const usable = () => {
    if (entry.error) throw new ProfileUnavailable(`profile "${entry.name}" cannot be used: ${entry.error} (${entry.file})`);
  };
  return {
    name: entry.name,
    ...(exec ? { exec } : {}),
    kubeConfig() {
      usable();
      const need = consentNeedOf(entry);
      if (need && !consent.allowed(entry.name, need)) throw new ExecConsentRequired(entry.name, need);
      return entryKubeConfig(entry, true);
    },
    exportKubeConfig() {
      usable();
      // Exporting runs nothing, but it would read (and inline) the credential files.
      const need = consentNeedOf(entry);
      if (need?.files.length && !consent.allowed(entry.name, need)) throw new ExecConsentRequired(entry.name, need);
      return entryKubeConfig(entry, false);
    },
  };
}

function readTokenFile(entry: CatalogEntry): string {
  try {
    return readFileSync(entry.tokenFile!, 'utf8').trim();
  } catch (err) {
    throw new ProfileUnavailable(`profile "${entry.name}" cannot read its token-file ${entry.tokenFile}: ${(err as Error).message}`);
  }
}

/** A kubeconfig (YAML) with only the current context of kc, named `name`, every file inlined. */
export function standaloneKubeconfig(kc: KubeConfig, name: string): string {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ProfileUnavailable(`profile "${name}" has no cluster`);
  const user = kc.getCurrentUser();
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const data = (file: string | undefined, b64: string | undefined, what: string) => {
    if (b64) return b64;
    if (!file) return undefined;
    try {
      return readFileSync(file).toString('base64');
    } catch (err) {
      throw new ProfileUnavailable(`cannot inline ${what} ${file}: ${(err as Error).message}`);
    }
  };
  const c: Record<string, unknown> = {
    server: cluster.server,
    'certificate-authority-data': data(cluster.caFile, cluster.caData, 'certificate-authority'),
    'insecure-skip-tls-verify': cluster.skipTLSVerify || undefined,
    'tls-server-name': cluster.tlsServerName,
    'proxy-url': cluster.proxyUrl,
  };
  const u: Record<string, unknown> = user
    ? {
        'client-certificate-data': data(user.certFile, user.certData, 'client-certificate'),
        'client-key-data': data(user.keyFile, user.keyData, 'client-key'),
        token: user.token,
        username: user.username,
        password: user.password,
        as: user.impersonateUser,
        exec: user.exec ?? undefined,
        'auth-provider': user.authProvider ?? undefined,
      }
    : {};
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    clusters: [{ name, cluster: defined(c) }],
    users: [{ name, user: defined(u) }],
    contexts: [{ name, context: defined({ cluster: name, user: name, namespace: ctx?.namespace }) }],
    preferences: {},
  };
  return stringify(doc, { lineWidth: 0 });
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
