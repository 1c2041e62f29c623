// The service-account signing key on disk: sa.key (PKCS#8 PEM, 0600) signs, and the public
// halves of earlier keys wait in sa-previous.json, each verifying until its retireAt. `skiff
// sa-key rotate` and `retire` write these files; a running cluster follows them
// (sa-key-watch.ts), a starting one reads them (load-or-create-pki.ts).
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-file';
import { createServiceAccountTokens, generateSigningKey } from './service-account-tokens';

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
  if (!text.includes('-----BEGIN')) return undefined;
  try {
    createServiceAccountTokens({ privateKey: text });
    return text;
  } catch {
    return undefined;
  }
}

export interface PreviousKey {
  publicKey: string;
  /** After this (ISO time) no token it signed can still be valid: it is dropped. */
  retireAt: string;
}

/** Longer than any bound token lives (TokenRequest's cap is 48 h), so none dies with the old key. */
export const RETIRED_KEY_KEEP_MS = 49 * 3600_000;

/**
 * Key rotation: the current signing key's public half is kept in `previousFile` (verifying
 * until RETIRED_KEY_KEEP_MS from now) and a new signing key replaces it at `path`. Legacy
 * Secret tokens, which never expire, are reissued by the token controller once their key retires.
 * The previous file is written first, so a cluster reading between the two writes still verifies
 * every token it issued.
 */
export function rotateSigningKey(path: string, previousFile: string, now = new Date()): string {
  const current = loadOrCreateSigningKey(path);
  const list = previousKeys(previousFile, now);
  list.push({
    publicKey: createPublicKey(current).export({ type: 'spki', format: 'pem' }) as string,
    retireAt: new Date(now.getTime() + RETIRED_KEY_KEEP_MS).toISOString(),
  });
  writePrivateFile(previousFile, JSON.stringify(list, null, 2) + '\n');
  const next = generateSigningKey();
  writePrivateFile(path, next);
  return next;
}

/** Retires every earlier key now (a leaked key): tokens they signed are refused. Returns how many. */
export function retireSigningKeys(previousFile: string, now = new Date()): number {
  const n = previousKeys(previousFile, now).length;
  if (existsSync(previousFile)) writePrivateFile(previousFile, '[]\n');
  return n;
}

/** The public keys of earlier signing keys still within their time (a damaged file holds none). */
export function previousVerifyKeys(previousFile: string, now = new Date()): string[] {
  return previousKeys(previousFile, now).map((k) => k.publicKey);
}

/** Earlier keys still within their time, with when each retires. */
export function previousKeys(file: string, now: Date): PreviousKey[] {
  if (!existsSync(file)) return [];
  try {
    const list = JSON.parse(readFileSync(file, 'utf8')) as PreviousKey[];
    return Array.isArray(list) ? list.filter((k) => typeof k?.publicKey === 'string' && Date.parse(k.retireAt) > now.getTime()) : [];
  } catch {
    return [];
  }
}
