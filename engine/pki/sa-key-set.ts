// The service-account signing key set as one value: the private key that signs now and the public
// halves of earlier keys, each verifying until its retireAt. Rotation and retirement are pure
// functions of it, so the files of one data dir (sa-key-files.ts) and the record several
// instances share over etcd (cluster/sa-key-store.ts) change it the same way.
import { createPublicKey } from 'node:crypto';
import { createServiceAccountTokens, generateSigningKey } from './service-account-tokens';

export interface PreviousKey {
  publicKey: string;
  /** After this (ISO time) no token it signed can still be valid: it is dropped. */
  retireAt: string;
}

export interface SigningKeySet {
  /** PKCS#8 PEM, P-256. */
  signingKey: string;
  previous: PreviousKey[];
}

/** Longer than any bound token lives (TokenRequest's cap is 48 h), so none dies with the old key. */
export const RETIRED_KEY_KEEP_MS = 49 * 3600_000;

/** True when `pem` is a P-256 private key tokens can be signed with. */
export function isSigningKey(pem: string): boolean {
  if (!pem.includes('-----BEGIN')) return false;
  try {
    createServiceAccountTokens({ privateKey: pem });
    return true;
  } catch {
    return false;
  }
}

/** Earlier keys still within their time (anything malformed is left out). */
export function liveKeys(list: unknown, now: Date): PreviousKey[] {
  return Array.isArray(list)
    ? (list as PreviousKey[]).filter(
        (k) => typeof k?.publicKey === 'string' && typeof k.retireAt === 'string' && Date.parse(k.retireAt) > now.getTime(),
      )
    : [];
}

/**
 * A new signing key; the current one's public half verifies until RETIRED_KEY_KEEP_MS from `now`.
 * Legacy Secret tokens, which never expire, are reissued by the token controller once it retires.
 */
export function rotateKeySet(set: SigningKeySet, now: Date): SigningKeySet {
  const previous = liveKeys(set.previous, now);
  previous.push({
    publicKey: createPublicKey(set.signingKey).export({ type: 'spki', format: 'pem' }) as string,
    retireAt: new Date(now.getTime() + RETIRED_KEY_KEEP_MS).toISOString(),
  });
  return { signingKey: generateSigningKey(), previous };
}

/** Every earlier key retired now (a leaked key): tokens they signed are refused. */
export function retireKeySet(set: SigningKeySet, now: Date): { set: SigningKeySet; retired: number } {
  return { set: { signingKey: set.signingKey, previous: [] }, retired: liveKeys(set.previous, now).length };
}

export const encodeKeySet = (set: SigningKeySet): string => JSON.stringify(set) + '\n';

/** The set in `text`, or undefined when it is not one (a damaged record is never half-applied). */
export function decodeKeySet(text: string): SigningKeySet | undefined {
  try {
    const v = JSON.parse(text) as Partial<SigningKeySet> | null;
    if (!v || typeof v.signingKey !== 'string' || !isSigningKey(v.signingKey) || !Array.isArray(v.previous)) return undefined;
    return {
      signingKey: v.signingKey,
      previous: v.previous.filter((k) => typeof k?.publicKey === 'string' && typeof k.retireAt === 'string'),
    };
  } catch {
    return undefined;
  }
}
