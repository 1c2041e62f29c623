// Service-account token authentication, as kube-apiserver's JWT token authenticator: the
// signature and times (pki/service-account-tokens.ts), the audience against the API audiences,
// then revocation — the ServiceAccount must still exist with the token's UID, a bound Pod or
// Secret too, and a legacy token's Secret must still exist and hold this very token. As
// upstream, an object whose deletionTimestamp is more than a minute past (the JWT leeway) counts
// as gone: a pod held by a finalizer, or deleted with a grace period that ran out. Lookups
// read a watch-fed cache (token-revocation-cache.ts), so a valid token costs no store read.
import type { UserInfo } from '../../apimachinery/user-info';
import type { Store } from '../../store/types';
import type { ServiceAccountTokens, TokenClaims } from '../../pki/service-account-tokens';
import { createTokenRevocationCache, type CachedObject } from './token-revocation-cache';

export interface TokenAuthResult {
  user?: UserInfo;
  /** The requested audiences the token is valid for (TokenReview's status.audiences). */
  audiences?: string[];
  /** Why the token was refused (TokenReview's status.error). */
  error?: string;
}

export interface ServiceAccountAuthenticator {
  /** The API audiences tokens must name (default: the issuer). */
  audiences: string[];
  /** The user of a token presented to the API, or undefined. Sync when the cache answers. */
  authenticate(token: string): UserInfo | undefined | Promise<UserInfo | undefined>;
  /** A token checked for `audiences` (default: the API's), with the reason when refused. */
  review(token: string, audiences?: string[]): Promise<TokenAuthResult>;
  /** Benchmarks compare validation with and without the revocation lookups on one server. */
  setRevocationChecks(on: boolean): void;
  stop(): void;
}

const INVALID = 'invalid bearer token';
/** Upstream's jwt.DefaultLeeway: objects deleted before now minus this are gone. */
const DELETION_LEEWAY_MS = 60_000;
const REVOKED = 'service account token has been invalidated';

/** The user a token stands for, with upstream's uid and extra fields. */
export function userOfClaims(c: TokenClaims): UserInfo {
  const extra: Record<string, string[]> = {};
  if (c.pod) {
    extra['authentication.kubernetes.io/pod-name'] = [c.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [c.pod.uid];
  }
  if (c.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${c.jti}`];
  return {
    user: `system:serviceaccount:${c.namespace}:${c.serviceAccount.name}`,
    uid: c.serviceAccount.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${c.namespace}`],
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

export function createServiceAccountAuthenticator(deps: {
  tokens: ServiceAccountTokens;
  store: Store;
  audiences?: string[];
  /** Clock (tests). */
  now?: () => number;
}): ServiceAccountAuthenticator {
  const now = deps.now ?? Date.now;
  const apiAudiences = deps.audiences?.length ? deps.audiences : [deps.tokens.issuer];
  const cache = createTokenRevocationCache(deps.store);
  let revocation = true;
  // Per verified token: its user, and the cache generation at which its lookups last passed
  // (nothing cached changed since: the answer holds without looking again).
  const users = new WeakMap<TokenClaims, UserInfo>();
  const passedAt = new WeakMap<TokenClaims, number>();
  const userOf = (c: TokenClaims) => {
    let u = users.get(c);
    if (!u) users.set(c, (u = userOfClaims(c)));
    return u;
  };

  /** The requested audiences this token serves; legacy tokens carry none and serve the API's. */
  const matching = (c: TokenClaims, wanted: string[]) => {
    const has = c.legacy ? apiAudiences : c.audiences;
    return wanted.filter((a) => has.includes(a));
  };

  /**
   * undefined when every object the token depends on is still there (sync when cached).
   * `timed` is set when an object is being deleted: the answer then changes with time alone.
   */
  function revoked(c: TokenClaims, token: string, timed?: { set: boolean }): string | undefined | Promise<string | undefined> {
    if (!revocation) return undefined;
    const ns = c.namespace;
    const cutoff = now() - DELETION_LEEWAY_MS;
    const alive = (o: CachedObject | undefined, uid: string) => {
      if (o?.uid !== uid) return false;
      if (o.deletedAt === undefined) return true;
      if (timed) timed.set = true;
      return o.deletedAt >= cutoff;
    };
    const checks: [CachedObject | undefined | Promise<CachedObject | undefined>, (o: CachedObject | undefined) => string | undefined][] = [
      [cache.get('serviceaccounts', ns, c.serviceAccount.name), (o) => (alive(o, c.serviceAccount.uid) ? undefined : 'service account')],
    ];
    if (c.pod) checks.push([cache.get('pods', ns, c.pod.name), (o) => (alive(o, c.pod!.uid) ? undefined : 'pod')]);
    if (c.secret) checks.push([cache.get('secrets', ns, c.secret.name), (o) => (alive(o, c.secret!.uid) ? undefined : 'secret')]);
    // A legacy token is good only while its Secret holds it (a recreated Secret gets a new one).
    if (c.legacy) {
      const held = Buffer.from(token).toString('base64');
      checks.push([cache.get('secrets', ns, c.legacy.secretName), (o) => (o?.token === held && alive(o, o.uid) ? undefined : 'secret')]);
    }
    const why = (what: string) => `${REVOKED}: its ${what} no longer exists, was replaced or is being deleted`;
    if (checks.some(([o]) => o instanceof Promise)) {
      return Promise.all(checks.map(([o]) => Promise.resolve(o))).then((objs) => {
        for (let i = 0; i < objs.length; i++) {
          const bad = checks[i][1](objs[i]);
          if (bad) return why(bad);
        }
        return undefined;
      });
    }
    for (const [o, test] of checks) {
      const bad = test(o as CachedObject | undefined);
      if (bad) return why(bad);
    }
    return undefined;
  }

  async function check(token: string, wanted: string[]): Promise<TokenAuthResult> {
    const c = deps.tokens.verify(token);
    if (!c) return { error: INVALID };
    const audiences = matching(c, wanted);
    if (!audiences.length)
      return { error: `${INVALID}: token audiences ${JSON.stringify(c.audiences)} match none of ${JSON.stringify(wanted)}` };
    const bad = await revoked(c, token);
    if (bad) return { error: bad };
    return { user: userOf(c), audiences };
  }

  return {
    audiences: apiAudiences,
    authenticate(token) {
      const c = deps.tokens.verify(token);
      if (!c || !matching(c, apiAudiences).length) return undefined;
      if (!revocation) return userOf(c);
      const gen = cache.generation();
      if (passedAt.get(c) === gen) return userOf(c);
      const timed = { set: false };
      const bad = revoked(c, token, timed);
      const pass = (b: string | undefined) => {
        if (b) return undefined;
        // An object being deleted: its token dies with time, so this answer is not kept.
        if (!timed.set) passedAt.set(c, gen);
        return userOf(c);
      };
      return bad instanceof Promise ? bad.then(pass) : pass(bad);
    },
    review: (token, audiences) => check(token, audiences?.length ? audiences : apiAudiences),
    setRevocationChecks(on) {
      revocation = on;
    },
    stop: () => cache.stop(),
  };
}
