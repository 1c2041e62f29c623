// The one rule for where a Gateway listener answers on this machine, shared by the ingress (which
// opens the ports) and the app (which links them): HTTP on 80, HTTPS on 443, or a listener naming
// the ingress's own port, is served on the ingress's port; any other listener on its own port.

/** The listener's own 127.0.0.1 port, or undefined when the ingress's port serves it. */
export function ownPort(l: { protocol: string; port: number }, ingress: { http?: number; https?: number }): number | undefined {
  const tls = l.protocol === 'HTTPS';
  if (!tls && (l.port === 80 || l.port === ingress.http)) return undefined;
  if (tls && (l.port === 443 || l.port === ingress.https)) return undefined;
  return l.port;
}
