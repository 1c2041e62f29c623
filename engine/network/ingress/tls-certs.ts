// The HTTPS listener's certificate per TLS server name: an Ingress's Secret (tls-table.ts), else a
// leaf for `<name>.localhost` issued once per host by the localhost CA, else the default
// certificate (`localhost`). The app's own names get no certificate at all: the handshake fails.
import { createSecureContext, type SecureContext } from 'node:tls';
import type { LocalhostCa } from '../../pki/localhost-ca';
import { isReservedHost } from './route-table';
import { isLocalhostName, tlsFor, type TlsTable } from './tls-table';

const MAX_ISSUED = 1000;

export function createSniCallback(o: {
  table(): TlsTable;
  /** Consulted when the Ingresses name no certificate for the host (the Gateways' listeners). */
  extra?: () => TlsTable;
  ca: LocalhostCa;
  log(line: string): void;
}): (serverName: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void {
  const fromSecrets = new Map<string, SecureContext>(); // "ns/name@resourceVersion"
  const issued = new Map<string, Promise<SecureContext>>();
  return (serverName, cb) => {
    const name = serverName.toLowerCase().replace(/\.$/, '');
    if (isReservedHost(name)) return cb(new Error(`${name} belongs to the Skiff app`));
    const entry = tlsFor(o.table(), name) ?? (o.extra ? tlsFor(o.extra(), name) : undefined);
    if (entry) {
      const k = `${entry.secret}@${entry.version}`;
      let ctx = fromSecrets.get(k);
      try {
        ctx ??= createSecureContext({ cert: entry.cert, key: entry.key });
      } catch (e) {
        o.log(`ingress: TLS Secret ${entry.secret}: ${(e as Error).message}`);
        return cb(null, undefined);
      }
      fromSecrets.set(k, ctx);
      return cb(null, ctx);
    }
    if (!isLocalhostName(name)) return cb(null, undefined);
    let p = issued.get(name);
    if (!p) {
      if (issued.size >= MAX_ISSUED) issued.clear();
      p = o.ca.issue(name).then((l) => createSecureContext({ cert: l.cert, key: l.key }));
      issued.set(name, p);
      p.catch(() => issued.delete(name));
    }
    p.then(
      (ctx) => cb(null, ctx),
      (e: Error) => cb(e),
    );
  };
}
