// Bootstrap tokens as kubeadm makes them (k8s.io/cluster-bootstrap): `<id>.<secret>`, 6 + 16
// characters of [a-z0-9], kept in Secret kube-system/bootstrap-token-<id> of type
// bootstrap.kubernetes.io/token. The same file holds the two checks a joining machine makes
// before trusting anything: the detached JWS (HS256 keyed by the token's secret) over the
// cluster-info kubeconfig, and the CA public-key hash of --discovery-token-ca-cert-hash.
import type { KubeObject } from '../apimachinery/object-types';
import { createHash, createHmac, randomInt, timingSafeEqual, X509Certificate } from 'node:crypto';

export const BOOTSTRAP_TOKEN_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
/** The group kubeadm puts its default node tokens in (auth-extra-groups). */
export const DEFAULT_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
/** The ConfigMap a joining machine reads anonymously, and the prefix of its signatures. */
export const CLUSTER_INFO = { namespace: 'kube-public', name: 'cluster-info', kubeconfigKey: 'kubeconfig', jwsPrefix: 'jws-kubeconfig-' };

const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapToken {
  id: string;
  secret: string;
}

export function parseBootstrapToken(token: string): BootstrapToken | undefined {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function generateBootstrapToken(): BootstrapToken {
  const pick = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return { id: pick(6), secret: pick(16) };
}

export const formatBootstrapToken = (t: BootstrapToken) => `${t.id}.${t.secret}`;

/** The detached compact JWS (`header..signature`) kubeadm's bootstrap signer writes. */
export function signDetached(content: string, token: BootstrapToken): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: token.id }));
  return `${header}..${hmac(`${header}.${b64url(content)}`, token.secret)}`;
}

/** True when `detached` is an HS256 signature over `content` by this token (kid must match). */
export function verifyDetached(content: string, detached: string, token: BootstrapToken): boolean {
  const parts = detached.split('.');
  if (parts.length !== 3 || parts[1] !== '') return false;
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as typeof header;
  } catch {
    return false;
  }
  if (header.alg !== 'HS256' || header.kid !== token.id) return false;
  const want = Buffer.from(hmac(`${parts[0]}.${b64url(content)}`, token.secret));
  const got = Buffer.from(parts[2]);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** `sha256:<hex>` of the CA certificate's SubjectPublicKeyInfo, as kubeadm prints it. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** Constant-time equality of two token secrets. */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A bootstrap token Secret's string data (its `data` decoded; `stringData` never reaches the store). */
export function bootstrapTokenData(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/** True when the token's `expiration` (RFC 3339) has passed. */
export function bootstrapTokenExpired(data: Record<string, string>, now: Date): boolean {
  if (!data.expiration) return false;
  const t = Date.parse(data.expiration);
  return Number.isNaN(t) || t <= now.getTime();
}

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const hmac = (input: string, key: string) => createHmac('sha256', key).update(input).digest('base64url');
