// The service-account signing key on disk: sa.key (PKCS#8 PEM, 0600) signs, and the public
// halves of earlier keys wait in sa-previous.json (0600), each verifying until its retireAt. `skiff
// sa-key rotate` and `retire` write these files; a running cluster follows them
// (sa-key-watch.ts), a starting one reads them (load-or-create-pki.ts). Over etcd the shared
// record is the truth and these files are each instance's copy of it (cluster/sa-key-store.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-file';
import { generateSigningKey } from './service-account-tokens';
import { isSigningKey, liveKeys, retireKeySet, rotateKeySet, type PreviousKey, type SigningKeySet } from './sa-key-set';

export { RETIRED_KEY_KEEP_MS, type PreviousKey } from './sa-key-set';

/** Reads the ES256 signing key (PKCS#8 PEM) at `path`, creating it (0600) when missing. A key in
 *  an older format (the HMAC secret Skiff once used) is replaced: tokens it signed are refused. */
export function loadOrCreateSigningKey(path: string): string {
  const text = readSigningKey(path);
  if (text) return text;
  const pem = generateSigningKey();
  ensurePrivateDir(dirname(path));
  writePrivateFile(path, pem);
  return pem;
}

/** The P-256 signing key at `path`, or undefined when missing or not one. */
export function readSigningKey(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return isSigningKey(text) ? text : undefined;
}

/** The set the two files hold (the signing key made when missing). */
export function readKeySetFiles(path: string, previousFile: string, now = new Date()): SigningKeySet {
  return { signingKey: loadOrCreateSigningKey(path), previous: previousKeys(previousFile, now) };
}

/**
 * Writes `set` to the two files, each only when it differs. The previous file first, so a cluster
 * reading between the two writes still verifies every token it issued.
 */
export function writeKeySetFiles(path: string, previousFile: string, set: SigningKeySet): void {
  const previous = JSON.stringify(set.previous, null, 2) + '\n';
  const same = (file: string, text: string) => existsSync(file) && readFileSync(file, 'utf8') === text;
  ensurePrivateDir(dirname(path));
  if (!same(previousFile, previous) && (set.previous.length || existsSync(previousFile))) writePrivateFile(previousFile, previous);
  if (!same(path, set.signingKey)) writePrivateFile(path, set.signingKey);
}

/** Key rotation in the files (rotateKeySet). Returns the new signing key. */
export function rotateSigningKey(path: string, previousFile: string, now = new Date()): string {
  const next = rotateKeySet(readKeySetFiles(path, previousFile, now), now);
  writeKeySetFiles(path, previousFile, next);
  return next.signingKey;
}

/** Retires every earlier key now (a leaked key): tokens they signed are refused. Returns how many. */
export function retireSigningKeys(previousFile: string, now = new Date()): number {
  const { retired } = retireKeySet({ signingKey: '', previous: previousKeys(previousFile, now) }, now);
  if (existsSync(previousFile)) writePrivateFile(previousFile, '[]\n');
  return retired;
}

/** The public keys of earlier signing keys still within their time (a damaged file holds none). */
export function previousVerifyKeys(previousFile: string, now = new Date()): string[] {
  return previousKeys(previousFile, now).map((k) => k.publicKey);
}

/** Earlier keys still within their time, with when each retires. */
export function previousKeys(file: string, now: Date): PreviousKey[] {
  if (!existsSync(file)) return [];
  try {
    return liveKeys(JSON.parse(readFileSync(file, 'utf8')), now);
  } catch {
    return [];
  }
}
