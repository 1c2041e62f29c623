// A failed connection to an API server, in words a user can act on: DNS, refused, timeout,
// TLS (unknown authority, name mismatch, expired), reset. Used by the proxy and the check.

/** host:port, with the scheme's default port spelled out. */
export function hostPort(server: URL): string {
  return `${server.hostname}:${server.port || (server.protocol === 'http:' ? 80 : 443)}`;
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

export function describeNetworkError(err: unknown, server: URL, timeoutMs?: number): string {
  const e = err as NodeJS.ErrnoException & { reason?: string; host?: string; cert?: { subjectaltname?: string } };
  const code = e?.code;
  const at = hostPort(server);
  const host = server.hostname.replace(/^\[|\]$/g, '');
  const msg = String(e?.message ?? err).split('\n')[0];
  if (code === 'ENOTFOUND') return `no such host ${host}`;
  if (code === 'EAI_AGAIN') return `cannot look up host ${host} (DNS did not answer; offline?)`;
  if (code === 'ECONNREFUSED') return `connection refused at ${at}`;
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'ETIMEOUT') {
    return `no answer from ${at}${timeoutMs ? ` within ${Math.round(timeoutMs / 100) / 10} s` : ''}`;
  }
  if (code === 'ECONNRESET') return `connection reset by ${at}${server.protocol === 'https:' ? ' (is it an HTTPS API server?)' : ''}`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route to ${at}`;
  if (code && UNKNOWN_CA.has(code)) {
    return `certificate signed by unknown authority: the certificate of ${at} is not signed by the kubeconfig's certificate-authority (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = (e.cert?.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim().replace(/^(DNS|IP Address):/, ''))
      .filter(Boolean);
    return `certificate name mismatch: the certificate of ${at} is valid for ${names.length ? names.join(', ') : 'other names'}, not ${e.host ?? host} (tls-server-name in the kubeconfig names the expected one)`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `the certificate of ${at} has expired`;
  if (code === 'CERT_NOT_YET_VALID') return `the certificate of ${at} is not valid yet (check the clock)`;
  if (code === 'EPROTO' && /wrong version number|packet length too long|http request/i.test(msg)) {
    return `TLS handshake with ${at} failed: it does not speak HTTPS (should the server URL be http://?)`;
  }
  if (/alert (bad certificate|certificate required|unknown ca)/i.test(msg)) {
    return `${at} rejected the client certificate during the TLS handshake (${msg})`;
  }
  return `${msg}${code && !msg.includes(code) ? ` (${code})` : ''} at ${at}`;
}
