// What a kubeconfig profile's credentials would do that needs the user's consent first, and
// where they would be sent. Two things need it: running a command (an exec plugin, an
// auth-provider's cmd-path) and, for imported kubeconfigs, reading a credential file outside
// the kubeconfig's own folder (pasted text has no folder: every file). A consent holds for
// the exact command and files AND the exact target (server URL, CA, tls-server-name,
// proxy-url): an edited `server:` must not receive the plugin's token without asking again.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { CatalogEntry } from './kubeconfig-catalog';
import { execCommandOf } from './exec-consent';
import type { CaCertificate, ConsentFile, ConsentTarget, ExecCommand } from '../protocol';

export interface ConsentNeed {
  exec?: ExecCommand;
  files: ConsentFile[];
  target: ConsentTarget;
  /** Of exec, files and target together: what a consent is stored under. */
  fingerprint: string;
}

// Entries are rebuilt whenever their file (or a file they reference) changes, so the need,
// which reads the CA file, is worked out once per entry rather than once per request.
const cache = new WeakMap<CatalogEntry, ConsentNeed | null>();

/** Undefined when the profile's credentials run nothing and read nothing that needs asking. */
export function consentNeedOf(entry: CatalogEntry): ConsentNeed | undefined {
  let need = cache.get(entry);
  if (need === undefined) {
    need = computeNeed(entry) ?? null;
    cache.set(entry, need);
  }
  return need ?? undefined;
}

function computeNeed(entry: CatalogEntry): ConsentNeed | undefined {
  const exec = execCommandOf(entry.user);
  const files = entry.sourceKind === 'default' ? [] : foreignFiles(entry);
  if (!exec && !files.length) return undefined;
  const target = consentTarget(entry);
  return { ...(exec ? { exec } : {}), files, target, fingerprint: needFingerprint(exec, files, target) };
}

export function needFingerprint(exec: Pick<ExecCommand, 'command' | 'args' | 'env'> | undefined, files: ConsentFile[], t: ConsentTarget) {
  return createHash('sha256')
    .update(
      JSON.stringify([
        exec ? [exec.command, exec.args, exec.env.map((e) => [e.name, e.value])] : null,
        files.map((f) => [f.field, f.path]),
        [t.server, t.ca, t.tlsServerName ?? '', t.proxyUrl ?? ''],
      ]),
    )
    .digest('hex');
}

/** Where the credentials go: the server, the CA that must vouch for it, the name checked, the proxy. */
export function consentTarget(entry: CatalogEntry): ConsentTarget {
  const c = entry.cluster;
  const server = c?.server ?? '';
  let ca: string;
  let bundle: Buffer | undefined;
  if (server.startsWith('http:')) ca = 'plain http';
  else if (c?.skipTLSVerify) ca = 'not verified';
  else if (c?.caData) ca = `sha256:${sha256((bundle = Buffer.from(c.caData, 'base64')))}`;
  else if (c?.caFile) {
    try {
      ca = `sha256:${sha256((bundle = readFileSync(c.caFile)))}`;
    } catch {
      ca = `unreadable ${c.caFile}`;
    }
  } else ca = 'system roots';
  const certs = bundle ? caCertificates(bundle) : [];
  return {
    server,
    ca,
    ...(c?.tlsServerName ? { tlsServerName: c.tlsServerName } : {}),
    ...(c?.proxyUrl ? { proxyUrl: c.proxyUrl } : {}),
    ...(certs.length ? { caCertificates: certs } : {}),
  };
}

/**
 * The certificates of a PEM bundle, so the user can compare what they see with the fingerprint
 * their cluster's admin gave them (the `ca` hash is over the file's bytes, which no tool prints).
 */
export function caCertificates(pem: Buffer): CaCertificate[] {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const out: CaCertificate[] = [];
  for (const block of blocks) {
    try {
      const x = new X509Certificate(block);
      out.push({ subject: x.subject.split('\n').join(', '), sha256: x.fingerprint256, notAfter: new Date(x.validTo).toISOString() });
    } catch {
      // not a certificate Node can read: the `ca` hash still binds it
    }
  }
  return out;
}

/**
 * Credential files outside the kubeconfig's own folder. "Inside" means at or below the folder,
 * after symlinks, and not in a hidden folder there (a kubeconfig saved to ~ must not read
 * ~/.ssh or ~/.aws unasked). A token file's content is sent to the server as it is.
 */
function foreignFiles(entry: CatalogEntry): ConsentFile[] {
  const u = entry.user;
  const candidates: ConsentFile[] = [];
  if (entry.tokenFile) candidates.push({ field: 'token-file', path: entry.tokenFile });
  if (u?.certFile) candidates.push({ field: 'client-certificate', path: u.certFile });
  if (u?.keyFile) candidates.push({ field: 'client-key', path: u.keyFile });
  return candidates.filter((f) => !insideFolder(f.path, entry.baseDir));
}

/** At or below folder after symlinks, and not in a hidden file or folder there. */
export function insideFolder(path: string, folder: string | undefined): boolean {
  if (!folder || !isAbsolute(path)) return false;
  let real: string;
  let base: string;
  try {
    real = realpathSync(path);
    base = realpathSync(folder);
  } catch {
    return false;
  }
  const rel = relative(base, real);
  if (!rel || isAbsolute(rel)) return false;
  return rel.split(sep).every((part) => part !== '..' && !part.startsWith('.'));
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
