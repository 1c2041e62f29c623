// One GET against a cluster's API with a KubeConfig's credentials, for the host's own checks
// (node readiness, runtime of a cluster found running). The UI's requests use the proxy.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { NODE_RUNTIME_ANNOTATION } from '../../../engine/kubelet/simulated-node';
import { upstreamPath, type KubeTarget, type KubeTargets } from './kube-target';

export async function kubeGetJson<T = unknown>(targets: KubeTargets, kc: KubeConfig, path: string, timeoutMs = 3000): Promise<T> {
  const reply = await kubeRequest(await targets.resolve(kc), path, timeoutMs).catch((err: Error & { code?: string }) => {
    throw err.code === 'ETIMEDOUT' ? new Error(`GET ${path}: no answer within ${timeoutMs} ms`) : err;
  });
  if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.text.slice(0, 200)}`);
  try {
    return JSON.parse(reply.text) as T;
  } catch (err) {
    throw new Error(`GET ${path} answered invalid JSON (${(err as Error).message})`);
  }
}

export interface NodeInfo {
  name: string;
  ready: boolean;
  runtime?: string;
}

interface NodeList {
  items?: Array<{
    metadata?: { name?: string; annotations?: Record<string, string> };
    status?: { conditions?: Array<{ type?: string; status?: string }> };
  }>;
}

/** The cluster's nodes with their Ready condition and skiff's node-runtime annotation. */
export async function listNodes(targets: KubeTargets, kc: KubeConfig): Promise<NodeInfo[]> {
  const list = await kubeGetJson<NodeList>(targets, kc, '/api/v1/nodes');
  return (list.items ?? []).map((n) => ({
    name: n.metadata?.name ?? '?',
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    runtime: n.metadata?.annotations?.[NODE_RUNTIME_ANNOTATION],
  }));
}

export interface KubeReply {
  status: number;
  text: string;
}

/**
 * One GET on a resolved target, any status. The timeout covers connecting and answering; it
 * fails with code ETIMEDOUT (and timeoutMs) so describeNetworkError can say so.
 */
export function kubeRequest(t: KubeTarget, path: string, timeoutMs: number): Promise<KubeReply> {
  return new Promise<KubeReply>((resolve, reject) => {
    const req = (t.secure ? httpsRequest : httpRequest)(
      {
        ...t.options,
        protocol: t.server.protocol,
        hostname: t.server.hostname.replace(/^\[|\]$/g, ''),
        port: t.server.port || (t.secure ? 443 : 80),
        path: upstreamPath(t.server, path, ''),
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'skiff-app', ...t.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT', timeoutMs })),
      timeoutMs,
    );
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end();
  });
}
