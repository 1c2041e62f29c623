/** A cluster's certificates and keys, all PEM (keys PKCS#8). */
export interface Pki {
  caCert: string;
  caKey: string;
  /** Serving certificate of the API server (also valid for the in-cluster service names). */
  serverCert: string;
  serverKey: string;
  /** Client certificate CN=skiff-admin O=system:masters. */
  adminCert: string;
  adminKey: string;
}

export interface PkiOptions {
  /** Extra IP SANs for the serving certificate (127.0.0.1 is always present). */
  extraIPs?: string[];
  /** Extra DNS SANs for the serving certificate (localhost and kubernetes.* are always present). */
  extraDNS?: string[];
}

export const ADMIN_USER = 'skiff-admin';
export const ADMIN_GROUPS = ['system:masters'];

/** DNS names every serving certificate carries: localhost and the in-cluster names of the `kubernetes` Service. */
export const SERVER_DNS = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
