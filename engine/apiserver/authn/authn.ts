// Authentication: a client certificate signed by the cluster CA (user = CN, groups = O),
// or a bearer token. TLS verification itself is Node's (requestCert + ca).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

import type { UserInfo } from '../../apimachinery/user-info';

export type TokenTable = Record<string, UserInfo>;

/** `verifyToken` (optional) accepts bearer tokens not in the table, e.g. service-account JWTs
 *  (a Promise when it must look something up). */
export function authenticate(
  req: IncomingMessage,
  tokens: TokenTable,
  verifyToken?: (token: string) => UserInfo | undefined | Promise<UserInfo | undefined>,
): UserInfo | undefined | Promise<UserInfo | undefined> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return undefined;
    return Object.hasOwn(tokens, m[1]) ? tokens[m[1]] : verifyToken?.(m[1]);
  }
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  // A TLS connection's client certificate never changes: read it once per connection.
  let known = certUsers.get(socket);
  if (known === undefined) certUsers.set(socket, (known = certUser(socket) ?? null));
  return known ?? undefined;
}

const certUsers = new WeakMap<TLSSocket, UserInfo | null>();

function certUser(socket: TLSSocket): UserInfo | undefined {
  const cert = socket.getPeerCertificate?.();
  if (!cert || !cert.subject) return undefined;
  const cn = cert.subject.CN;
  const o = cert.subject.O;
  if (!cn) return undefined;
  return { user: String(cn), groups: o === undefined ? [] : Array.isArray(o) ? o.map(String) : [String(o)] };
}
