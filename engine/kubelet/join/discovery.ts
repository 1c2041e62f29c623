// Token discovery, as `kubeadm join --discovery-token-ca-cert-hash` does it: read
// kube-public/cluster-info without trusting the server yet, then trust it only when the
// bootstrap signer's JWS for our token verifies (so the server knows the token) and the CA in
// it hashes to the value given out of band (so it is the cluster we meant). Each failure is one
// line saying what is wrong.
import { request } from 'node:https';
import { parse } from 'yaml';
import { CLUSTER_INFO, caCertHash, verifyDetached, type BootstrapToken } from '../../pki/bootstrap-token';

export interface DiscoveredCluster {
  /** The API server address cluster-info names (the advertised one). */
  server: string;
  caCert: string;
  /** The cluster's clock minus this machine's, from cluster-info's HTTP Date (±1 s). */
  clockSkewMs?: number;
}

/** Beyond this, the join says the clocks differ (HTTP dates have whole seconds). */
export const CLOCK_SKEW_WARN_MS = 5000;

/** One line when the clocks differ by more than a few seconds, else undefined. */
export function clockSkewLine(skewMs: number | undefined, host: string): string | undefined {
  if (skewMs === undefined || Math.abs(skewMs) <= CLOCK_SKEW_WARN_MS) return undefined;
  const s = Math.round(Math.abs(skewMs) / 1000);
  const amount = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
  return `warning: this machine's clock is ${amount} ${skewMs > 0 ? 'behind' : 'ahead of'} the cluster's at ${host}; certificates and tokens are checked against the time, so sync both clocks (NTP: timedatectl set-ntp true)`;
}

export class JoinError extends Error {}

export async function discoverCluster(
  url: string,
  token: BootstrapToken,
  caHash: string,
  o: { timeoutMs?: number; now?: () => number } = {},
): Promise<DiscoveredCluster> {
  const u = new URL(url);
  const now = o.now ?? Date.now;
  const sent = now();
  const { status, body, date } = await insecureGet(
    u,
    `/api/v1/namespaces/${CLUSTER_INFO.namespace}/configmaps/${CLUSTER_INFO.name}`,
    o.timeoutMs ?? 10_000,
  );
  // The server's Date is taken between send and receive: compare with the midpoint.
  const serverTime = date ? Date.parse(date) : NaN;
  const clockSkewMs = Number.isFinite(serverTime) ? serverTime + 500 - (sent + now()) / 2 : undefined;
  if (status !== 200) throw new JoinError(`${u.host} is not a Skiff or Kubernetes API server offering cluster-info (HTTP ${status})`);
  const data = (body as { data?: Record<string, string> })?.data ?? {};
  const kubeconfig = data[CLUSTER_INFO.kubeconfigKey];
  if (!kubeconfig) throw new JoinError(`the cluster at ${u.host} publishes no kubeconfig in cluster-info`);
  const sig = data[CLUSTER_INFO.jwsPrefix + token.id];
  if (!sig)
    throw new JoinError(
      `token "${token.id}" is unknown to the cluster at ${u.host} or has expired; make a new one there with: skiff token create --print-join-command`,
    );
  if (!verifyDetached(kubeconfig, sig, token))
    throw new JoinError(`the token's secret does not match token "${token.id}" (cluster-info's signature fails); check --token`);
  const cluster = (parse(kubeconfig) as { clusters?: { cluster?: Record<string, string> }[] })?.clusters?.[0]?.cluster;
  const caCert = cluster?.['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString() : '';
  if (!caCert || !cluster?.server) throw new JoinError(`cluster-info at ${u.host} names no server or CA`);
  const got = caCertHash(caCert);
  if (got !== caHash.toLowerCase())
    throw new JoinError(
      `the cluster's CA does not match --discovery-token-ca-cert-hash (it is ${got}); refusing to join a cluster we cannot verify`,
    );
  return { server: cluster.server, caCert, clockSkewMs };
}

/** One GET without verifying the server (nothing from it is trusted before the checks above). */
function insecureGet(u: URL, path: string, timeoutMs: number): Promise<{ status: number; body: unknown; date?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port || 443, path, method: 'GET', rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), date: res.headers.date });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: undefined, date: res.headers.date });
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new JoinError(
          `cannot reach ${u.host} (${e.code ?? e.message}); check the address and that the cluster was started with --advertise-address`,
        ),
      ),
    );
    req.end();
  });
}
