// Service-account tokens: JWTs signed ES256 with the cluster's service-account key (sa.key in the
// PKI dir), so anything holding the public keys (/openid/v1/jwks) can check them, and further API
// server instances sharing the key accept each other's tokens. This file only signs and checks
// signatures, times and shape; audiences and revocation are the API server's
// (apiserver/service-account-authn.ts). Claims as upstream: bound tokens carry `kubernetes.io`,
// legacy Secret tokens the flat `kubernetes.io/serviceaccount/*` claims and no expiry.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-file';

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The issuer of Secret-based tokens, as upstream's legacy token generator writes it. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface IssueOptions {
  /** Lifetime of a bound token (default 3607 s, as kubelets ask). */
  expirationSeconds?: number;
  /** Legacy Secret-based token: no expiry, no audience, tied to the Secret by name. */
  legacy?: { secretName: string };
  /** Default: the issuer (the API's own audience). */
  audiences?: string[];
  /** The object the token is bound to (it dies with it). */
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** Clock override (tests). */
  now?: Date;
}

/** What a token says once its signature, times and shape have been checked. */
export interface TokenClaims {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  /** Empty for legacy tokens (they carry no `aud`). */
  audiences: string[];
  legacy?: { secretName: string };
  pod?: ObjectRef;
  secret?: ObjectRef;
  jti?: string;
  exp?: number;
  nbf?: number;
}

export interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid: string;
  alg: string;
  use: 'sig';
}

export interface ServiceAccountTokens {
  issuer: string;
  issue(namespace: string, serviceAccount: string, uid: string, opts?: IssueOptions): string;
  /** The token's claims, or undefined when it is not ours, is tampered with, malformed, expired or not yet valid. */
  verify(token: string, now?: Date): TokenClaims | undefined;
  /** The public keys tokens verify with (the JWKS document's `keys`). */
  jwks(): { keys: Jwk[] };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
/** Verified tokens kept so a request does not pay an ECDSA verification (times are still checked). */
const VERIFIED_CACHE = 4096;
const CLOCK_SKEW_S = 60;

/** kid as upstream computes it: base64url(SHA-256(public key, DER SPKI)). */
const keyId = (pub: KeyObject) =>
  b64url(
    createHash('sha256')
      .update(pub.export({ type: 'spki', format: 'der' }))
      .digest(),
  );

const isP256 = (k: KeyObject) => k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1';

/**
 * privateKey signs; verifyKeys (public or private PEM) are earlier signing keys whose tokens
 * still verify until they expire (key rotation, as kube-apiserver's --service-account-key-file
 * beside --service-account-signing-key-file). The JWKS lists them all.
 */
export function createServiceAccountTokens(opts: {
  privateKey: string | KeyObject;
  issuer?: string;
  verifyKeys?: Array<string | KeyObject>;
}): ServiceAccountTokens {
  const priv = typeof opts.privateKey === 'string' ? createPrivateKey(opts.privateKey) : opts.privateKey;
  if (!isP256(priv)) throw new Error('the service-account signing key must be an ECDSA P-256 private key');
  const pub = createPublicKey(priv);
  const kid = keyId(pub);
  const issuer = opts.issuer ?? SERVICE_ACCOUNT_ISSUER;
  const headerOf = (k: string) => b64url(JSON.stringify({ alg: 'ES256', kid: k }));
  const header = headerOf(kid);
  const jwkOf = (p: KeyObject, k: string): Jwk => ({
    ...(p.export({ format: 'jwk' }) as Omit<Jwk, 'kid' | 'alg' | 'use'>),
    kid: k,
    alg: 'ES256',
    use: 'sig',
  });
  // The header each key's tokens carry → that key: a lookup, not a parse, per token.
  const keys = new Map<string, KeyObject>([[header, pub]]);
  const jwks: Jwk[] = [jwkOf(pub, kid)];
  for (const v of opts.verifyKeys ?? []) {
    const p = createPublicKey(v);
    if (!isP256(p)) throw new Error('a service-account verification key must be an ECDSA P-256 key');
    const k = keyId(p);
    if (keys.has(headerOf(k))) continue;
    keys.set(headerOf(k), p);
    jwks.push(jwkOf(p, k));
  }
  const verified = new Map<string, TokenClaims>();

  function check(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    const key = parts.length === 3 ? keys.get(parts[0]) : undefined;
    if (!key) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(parts[2], 'base64url'),
    );
    if (!ok) return undefined;
    let c: unknown;
    try {
      c = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    } catch {
      return undefined;
    }
    return claimsOf(c, issuer);
  }

  return {
    issuer,
    issue(namespace, serviceAccount, uid, o = {}) {
      const sub = `system:serviceaccount:${namespace}:${serviceAccount}`;
      let claims: Record<string, unknown>;
      if (o.legacy) {
        claims = {
          iss: LEGACY_ISSUER,
          'kubernetes.io/serviceaccount/namespace': namespace,
          'kubernetes.io/serviceaccount/secret.name': o.legacy.secretName,
          'kubernetes.io/serviceaccount/service-account.name': serviceAccount,
          'kubernetes.io/serviceaccount/service-account.uid': uid,
          sub,
        };
      } else {
        const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
        claims = {
          aud: o.audiences?.length ? o.audiences : [issuer],
          exp: iat + (o.expirationSeconds ?? 3607),
          iat,
          iss: issuer,
          jti: randomUUID(),
          'kubernetes.io': {
            namespace,
            ...(o.pod ? { pod: { name: o.pod.name, uid: o.pod.uid } } : {}),
            ...(o.secret ? { secret: { name: o.secret.name, uid: o.secret.uid } } : {}),
            serviceaccount: { name: serviceAccount, uid },
          },
          nbf: iat,
          sub,
        };
      }
      const body = `${header}.${b64url(JSON.stringify(claims))}`;
      return `${body}.${b64url(sign('sha256', Buffer.from(body), { key: priv, dsaEncoding: 'ieee-p1363' }))}`;
    },

    verify(token, now = new Date()) {
      let c = verified.get(token);
      if (!c) {
        c = check(token);
        if (!c) return undefined;
        if (verified.size >= VERIFIED_CACHE) verified.clear();
        verified.set(token, c);
      }
      const t = now.getTime() / 1000;
      if (c.exp !== undefined && t >= c.exp) return undefined;
      if (c.nbf !== undefined && t + CLOCK_SKEW_S < c.nbf) return undefined;
      return c;
    },

    jwks: () => ({ keys: jwks }),
  };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
const ref = (v: unknown): ObjectRef | undefined => {
  const o = obj(v);
  return o && str(o.name) && str(o.uid) ? { name: o.name, uid: o.uid } : undefined;
};

/** The checked claims of a verified payload; undefined when a required one is missing. */
function claimsOf(payload: unknown, issuer: string): TokenClaims | undefined {
  const c = obj(payload);
  if (!c) return undefined;
  if (c.iss === LEGACY_ISSUER) {
    const ns = c['kubernetes.io/serviceaccount/namespace'];
    const name = c['kubernetes.io/serviceaccount/service-account.name'];
    const uid = c['kubernetes.io/serviceaccount/service-account.uid'];
    const secretName = c['kubernetes.io/serviceaccount/secret.name'];
    if (!str(ns) || !str(name) || !str(uid) || !str(secretName) || c.sub !== `system:serviceaccount:${ns}:${name}`) return undefined;
    return { namespace: ns, serviceAccount: { name, uid }, audiences: [], legacy: { secretName } };
  }
  if (c.iss !== issuer) return undefined;
  const k = obj(c['kubernetes.io']);
  const sa = ref(k?.serviceaccount);
  const ns = k?.namespace;
  if (!k || !str(ns) || !sa || c.sub !== `system:serviceaccount:${ns}:${sa.name}`) return undefined;
  // Bound tokens always expire; one without exp/nbf is not one we issued.
  if (typeof c.exp !== 'number' || typeof c.nbf !== 'number') return undefined;
  const aud = Array.isArray(c.aud) ? c.aud.filter(str) : str(c.aud) ? [c.aud] : [];
  return {
    namespace: ns,
    serviceAccount: sa,
    audiences: aud,
    pod: ref(k.pod),
    secret: ref(k.secret),
    jti: str(c.jti) ? c.jti : undefined,
    exp: c.exp,
    nbf: c.nbf,
  };
}

/** Reads the ES256 signing key (PKCS#8 PEM) at `path`, creating it (0600) when missing. A key in
 *  an older format (the HMAC secret Skiff once used) is replaced: tokens it signed are refused. */
export function loadOrCreateSigningKey(path: string): string {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    if (text.includes('-----BEGIN')) {
      try {
        createServiceAccountTokens({ privateKey: text });
        return text;
      } catch {
        // not a P-256 key: replaced below
      }
    }
  }
  const pem = generateSigningKey();
  ensurePrivateDir(dirname(path));
  writePrivateFile(path, pem);
  return pem;
}

interface PreviousKey {
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
 */
export function rotateSigningKey(path: string, previousFile: string, now = new Date()): string {
  const current = loadOrCreateSigningKey(path);
  const list = readPreviousKeys(previousFile, now);
  list.push({
    publicKey: createPublicKey(current).export({ type: 'spki', format: 'pem' }) as string,
    retireAt: new Date(now.getTime() + RETIRED_KEY_KEEP_MS).toISOString(),
  });
  writePrivateFile(previousFile, JSON.stringify(list, null, 2) + '\n');
  const next = generateSigningKey();
  writePrivateFile(path, next);
  return next;
}

/** The public keys of earlier signing keys still within their time (a damaged file holds none). */
export function previousVerifyKeys(previousFile: string, now = new Date()): string[] {
  return readPreviousKeys(previousFile, now).map((k) => k.publicKey);
}

function readPreviousKeys(file: string, now: Date): PreviousKey[] {
  if (!existsSync(file)) return [];
  try {
    const list = JSON.parse(readFileSync(file, 'utf8')) as PreviousKey[];
    return Array.isArray(list) ? list.filter((k) => typeof k?.publicKey === 'string' && Date.parse(k.retireAt) > now.getTime()) : [];
  } catch {
    return [];
  }
}

export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}
