// Service-account tokens: JWTs signed with a cluster key (HS256), accepted by the API server as
// bearer tokens for `system:serviceaccount:<ns>:<name>`. HMAC keeps signing and verifying
// synchronous and cheap; the key never leaves the cluster's PKI dir, and only this process
// verifies, so an asymmetric key (which lets others verify) buys nothing yet.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UserInfo } from '../apimachinery/user-info';

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface IssueOptions {
  /** Lifetime; 0 or unset with `legacy` = never expires (token Secrets). Default 3607 s, as kubelets ask. */
  expirationSeconds?: number;
  /** Legacy Secret-based token: no expiry, no audience, as upstream's token controller writes them. */
  legacy?: boolean;
  audiences?: string[];
  /** Bind the token to a pod (projected tokens). */
  pod?: { name: string; uid: string };
  /** Clock override (tests). */
  now?: Date;
}

export interface ServiceAccountTokens {
  issue(namespace: string, serviceAccount: string, uid: string, opts?: IssueOptions): string;
  /** The user a token stands for, or undefined when it is not ours, is tampered with or expired. */
  verify(token: string, now?: Date): UserInfo | undefined;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function createServiceAccountTokens(opts: { key: Buffer | string }): ServiceAccountTokens {
  const key = typeof opts.key === 'string' ? Buffer.from(opts.key) : opts.key;
  if (key.length < 32) throw new Error('service-account signing key must be at least 32 bytes');
  const sign = (data: string) => createHmac('sha256', key).update(data).digest();

  return {
    issue(namespace, serviceAccount, uid, o = {}) {
      const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
      const claims: Record<string, unknown> = {
        iss: SERVICE_ACCOUNT_ISSUER,
        sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
        'kubernetes.io': {
          namespace,
          serviceaccount: { name: serviceAccount, uid },
          ...(o.pod ? { pod: { name: o.pod.name, uid: o.pod.uid } } : {}),
        },
      };
      if (!o.legacy) {
        claims.aud = o.audiences ?? [SERVICE_ACCOUNT_ISSUER];
        claims.iat = iat;
        claims.nbf = iat;
        claims.exp = iat + (o.expirationSeconds ?? 3607);
        claims.jti = randomBytes(12).toString('hex');
      }
      const body = `${HEADER}.${b64url(JSON.stringify(claims))}`;
      return `${body}.${b64url(sign(body))}`;
    },

    verify(token, now = new Date()) {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
      const given = Buffer.from(parts[2], 'base64url');
      const want = sign(`${parts[0]}.${parts[1]}`);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
      let claims: any;
      try {
        claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
      } catch {
        return undefined;
      }
      const t = now.getTime() / 1000;
      if (typeof claims.exp === 'number' && t >= claims.exp) return undefined;
      if (typeof claims.nbf === 'number' && t + 60 < claims.nbf) return undefined; // a minute of clock skew
      const ns = claims['kubernetes.io']?.namespace;
      const sa = claims['kubernetes.io']?.serviceaccount?.name;
      if (typeof ns !== 'string' || typeof sa !== 'string' || claims.sub !== `system:serviceaccount:${ns}:${sa}`) return undefined;
      // system:authenticated is added where users are shown (as for certificate users).
      return { user: claims.sub, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] };
    },
  };
}

/** Reads the signing key at `path`, creating a random one (0600) the first time. */
export function loadOrCreateSigningKey(path: string): Buffer {
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}
