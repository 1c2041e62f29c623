// Service-account tokens: JWTs signed ES256 with the cluster's service-account key (sa.key in the
// PKI dir), so anything holding the public keys (/openid/v1/jwks) can check them, and further API
// server instances sharing the key accept each other's tokens. This file only signs and checks
// signatures, times and shape; audiences and revocation are the API server's
// (apiserver/service-account-authn.ts). Claims as upstream: bound tokens carry `kubernetes.io`,
// legacy Secret tokens the flat `kubernetes.io/serviceaccount/*` claims and no expiry.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

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
  /**
   * Live key rotation: sign with `privateKey` from now on and verify only with it and `verifyKeys`
   * (a token whose key left the set is refused at once, even one verified before). Throws, changing
   * nothing, when a key is not P-256. Returns false when the set is the same as before.
   */
  setKeys(keys: SigningKeys): boolean;
  /** Called after each change of keys (legacy token Secrets are reissued, kubelets renew). */
  onKeysChanged(listener: () => void): void;
  /** The kid tokens are signed with now. */
  signingKeyId(): string;
}

export interface SigningKeys {
  privateKey: string | KeyObject;
  /** Earlier signing keys (public or private PEM) whose tokens still verify. */
  verifyKeys?: Array<string | KeyObject>;
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
export function createServiceAccountTokens(opts: SigningKeys & { issuer?: string }): ServiceAccountTokens {
  const issuer = opts.issuer ?? SERVICE_ACCOUNT_ISSUER;
  let set = keySet(opts);
  const listeners: Array<() => void> = [];
  const verified = new Map<string, TokenClaims>();

  function check(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    const key = parts.length === 3 ? set.keys.get(parts[0]) : undefined;
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
      const body = `${set.header}.${b64url(JSON.stringify(claims))}`;
      return `${body}.${b64url(sign('sha256', Buffer.from(body), { key: set.priv, dsaEncoding: 'ieee-p1363' }))}`;
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

    jwks: () => ({ keys: set.jwks }),

    setKeys(keys) {
      const next = keySet(keys);
      if (next.jwks.map((k) => k.kid).join() === set.jwks.map((k) => k.kid).join()) return false;
      set = next;
      // A cached verification may be of a key that just left the set.
      verified.clear();
      for (const l of listeners) l();
      return true;
    },
    onKeysChanged: (l) => void listeners.push(l),
    signingKeyId: () => set.jwks[0].kid,
  };
}

interface KeySet {
  priv: KeyObject;
  /** The header this key's tokens carry. */
  header: string;
  /** Header → public key: a lookup, not a parse, per token. */
  keys: Map<string, KeyObject>;
  /** The signing key's first. */
  jwks: Jwk[];
}

const headerOf = (kid: string) => b64url(JSON.stringify({ alg: 'ES256', kid }));
const jwkOf = (p: KeyObject, kid: string): Jwk => ({
  ...(p.export({ format: 'jwk' }) as Omit<Jwk, 'kid' | 'alg' | 'use'>),
  kid,
  alg: 'ES256',
  use: 'sig',
});

function keySet(k: SigningKeys): KeySet {
  const priv = typeof k.privateKey === 'string' ? createPrivateKey(k.privateKey) : k.privateKey;
  if (!isP256(priv)) throw new Error('the service-account signing key must be an ECDSA P-256 private key');
  const pub = createPublicKey(priv);
  const kid = keyId(pub);
  const keys = new Map<string, KeyObject>([[headerOf(kid), pub]]);
  const jwks: Jwk[] = [jwkOf(pub, kid)];
  for (const v of k.verifyKeys ?? []) {
    const p = createPublicKey(v);
    if (!isP256(p)) throw new Error('a service-account verification key must be an ECDSA P-256 key');
    const id = keyId(p);
    if (keys.has(headerOf(id))) continue;
    keys.set(headerOf(id), p);
    jwks.push(jwkOf(p, id));
  }
  return { priv, header: headerOf(kid), keys, jwks };
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

export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}
