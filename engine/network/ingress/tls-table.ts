// Which certificate the HTTPS listener shows for a TLS server name (pure): the Secret named by
// the oldest Ingress whose spec.tls lists that host (exact, or a one-label wildcard); otherwise,
// for names under localhost, a leaf the localhost CA issues on demand (tls-certs.ts).
import type { KubeObject } from '../../kinds/types';
import { isReservedHost, type RouteProblem } from './route-table';

export interface TlsEntry {
  /** namespace/name of the Secret and its resourceVersion (cache key of the secure context). */
  secret: string;
  version: string;
  cert: string;
  key: string;
}

export interface TlsTable {
  hosts: Map<string, TlsEntry>;
  /** "*.example.com" entries by their suffix ".example.com". */
  wildcards: Map<string, TlsEntry>;
}

interface IngressTls {
  hosts?: string[];
  secretName?: string;
}

export function buildTlsTable(
  ingresses: KubeObject[],
  secret: (namespace: string, name: string) => KubeObject | undefined,
): { table: TlsTable; problems: RouteProblem[] } {
  const table: TlsTable = { hosts: new Map(), wildcards: new Map() };
  const problems: RouteProblem[] = [];
  const ordered = [...ingresses].sort((a, b) =>
    String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')),
  );
  for (const ing of ordered) {
    const ns = ing.metadata.namespace ?? 'default';
    const ingress = `${ns}/${ing.metadata.name}`;
    for (const t of (ing.spec as { tls?: IngressTls[] } | undefined)?.tls ?? []) {
      if (!t.secretName) continue; // hosts without a Secret: the localhost CA (or the default certificate)
      const s = secret(ns, t.secretName);
      const data = (s?.data ?? {}) as Record<string, string>;
      if (!s) {
        problems.push({ ingress, reason: 'SecretNotFound', message: `TLS Secret ${ns}/${t.secretName} not found` });
        continue;
      }
      if (!data['tls.crt'] || !data['tls.key']) {
        problems.push({ ingress, reason: 'SecretInvalid', message: `TLS Secret ${ns}/${t.secretName} has no tls.crt and tls.key` });
        continue;
      }
      const entry: TlsEntry = {
        secret: `${ns}/${t.secretName}`,
        version: s.metadata.resourceVersion ?? '',
        cert: Buffer.from(data['tls.crt'], 'base64').toString('utf8'),
        key: Buffer.from(data['tls.key'], 'base64').toString('utf8'),
      };
      for (const h of t.hosts ?? []) {
        const host = h.toLowerCase();
        if (isReservedHost(host)) continue;
        const m = host.startsWith('*.') ? table.wildcards : table.hosts;
        const k = host.startsWith('*.') ? host.slice(1) : host;
        if (!m.has(k)) m.set(k, entry);
      }
    }
  }
  return { table, problems };
}

export function tlsFor(table: TlsTable, serverName: string): TlsEntry | undefined {
  const h = serverName.toLowerCase().replace(/\.$/, '');
  const exact = table.hosts.get(h);
  if (exact) return exact;
  const dot = h.indexOf('.');
  return dot > 0 ? table.wildcards.get(h.slice(dot)) : undefined;
}

/** Names the localhost CA may issue for: localhost and its subdomains, never the app's own. */
export const isLocalhostName = (name: string) => {
  const h = name.toLowerCase().replace(/\.$/, '');
  return (h === 'localhost' || h.endsWith('.localhost')) && !isReservedHost(h) && /^[a-z0-9.-]+$/.test(h);
};
