// Service-account issuer discovery, as kube-apiserver serves it: an OpenID Connect provider
// document and the public keys (JWKS), so anything outside the API server (a cloud IAM, Vault,
// a test with node:crypto) can verify service-account tokens itself. Readable by
// system:service-account-issuer-discovery (bound to system:authenticated by the bootstrap policy).
import type { ServerResponse } from 'node:http';
import type { ServiceAccountTokens } from '../../pki/service-account-tokens';

export const OIDC_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export function openIdConfiguration(tokens: ServiceAccountTokens, serverUrl: string) {
  return {
    issuer: tokens.issuer,
    jwks_uri: `${serverUrl}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(tokens.jwks().keys.map((k) => k.alg))],
  };
}

/** Writes one of the two documents; both may be cached an hour, as upstream says. */
export function sendOidc(res: ServerResponse, which: 'oidc-config' | 'oidc-jwks', tokens: ServiceAccountTokens, serverUrl: string) {
  const doc = which === 'oidc-config' ? openIdConfiguration(tokens, serverUrl) : tokens.jwks();
  const text = JSON.stringify(doc);
  res.writeHead(200, {
    'Content-Type': which === 'oidc-config' ? 'application/json' : 'application/jwk-set+json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'public, max-age=3600',
  });
  res.end(text);
}
