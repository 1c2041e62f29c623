// Bootstrap-token authentication (upstream plugin/pkg/auth/authenticator/token/bootstrap):
// `Bearer <id>.<secret>` is user system:bootstrap:<id> in system:bootstrappers (plus the
// token's auth-extra-groups) while Secret kube-system/bootstrap-token-<id> of type
// bootstrap.kubernetes.io/token holds that secret, allows authentication, is not being
// deleted and has not expired. Anything else is no user at all (a 401), as upstream.
import type { UserInfo } from '../../apimachinery/user-info';
import type { KubeObject } from '../../kinds/types';
import {
  BOOTSTRAP_TOKEN_PREFIX,
  BOOTSTRAP_TOKEN_TYPE,
  BOOTSTRAP_USER_PREFIX,
  BOOTSTRAPPERS_GROUP,
  bootstrapTokenData,
  bootstrapTokenExpired,
  parseBootstrapToken,
  secretsEqual,
} from '../../pki/bootstrap-token';

export function createBootstrapTokenAuthenticator(deps: {
  /** Secret kube-system/<name>, or undefined. */
  getSecret(name: string): Promise<KubeObject | undefined>;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    /** Whether this bearer token is shaped like a bootstrap token (then only this authenticator answers). */
    handles: (token: string) => parseBootstrapToken(token) !== undefined,
    async authenticate(token: string): Promise<UserInfo | undefined> {
      const t = parseBootstrapToken(token);
      if (!t) return undefined;
      const secret = await deps.getSecret(BOOTSTRAP_TOKEN_PREFIX + t.id);
      if (!secret || secret.type !== BOOTSTRAP_TOKEN_TYPE || secret.metadata.deletionTimestamp) return undefined;
      const data = bootstrapTokenData(secret);
      if (data['token-id'] !== t.id || !data['token-secret'] || !secretsEqual(data['token-secret'], t.secret)) return undefined;
      if (bootstrapTokenExpired(data, now()) || data['usage-bootstrap-authentication'] !== 'true') return undefined;
      const extra = (data['auth-extra-groups'] ?? '')
        .split(',')
        .map((g) => g.trim())
        // Only groups under system:bootstrappers: a token cannot name itself an administrator.
        .filter((g) => g.startsWith(`${BOOTSTRAPPERS_GROUP}:`));
      return { user: BOOTSTRAP_USER_PREFIX + t.id, groups: [BOOTSTRAPPERS_GROUP, ...extra] };
    },
  };
}

/**
 * A TokenReview's answer for a bootstrap token. The token names no audience, so as upstream's
 * WrapAudienceAgnosticToken it is valid for the API's own audiences only: the requested ones
 * (the API's when none are asked for) intersected with those, and refused when that is empty.
 */
export async function reviewBootstrapToken(
  authenticate: (token: string) => Promise<UserInfo | undefined>,
  token: string,
  apiAudiences: string[],
  requested: string[] = [],
): Promise<{ user?: UserInfo; audiences?: string[] }> {
  const audiences = requested.length ? requested.filter((a) => apiAudiences.includes(a)) : apiAudiences;
  if (requested.length && !audiences.length) return {};
  const user = await authenticate(token);
  return user ? { user, audiences } : {};
}
