// What the Docker-backed network benches (net, ingress, netpol, pods) share: a one-node cluster on
// local images, the busybox httpd pod they measure against, waiting for a pod, and percentiles.
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from '../../docker/images';
import { startControlPlane, type ControlPlane } from '../../../engine/cluster/control-plane';
import { R, type KubeClient } from '../../../engine/client/types';
import type { KubeObject } from '../../../engine/kinds/types';

export const ms = (n: number) => `${n.toFixed(2)} ms`;

/** The p-th percentile (nearest rank). */
export const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** A SQLite cluster with one Docker node whose sandboxes are the local pause image. */
export function startDockerBenchCluster(name: string, dataDir: string, extra: { ingressPort?: number } = {}): Promise<ControlPlane> {
  return startControlPlane({ name, dataDir, datastore: 'sqlite', nodes: 1, nodeRuntime: 'docker', sandboxImage: PAUSE_IMAGE, ...extra });
}

/** Pod `srv` (label app=srv): busybox httpd answering "ok" on 8080, Ready once it listens. */
export const HTTPD_POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'srv', labels: { app: 'srv' } },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'httpd',
        image: BUSYBOX_IMAGE,
        command: ['sh', '-c', 'mkdir /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'],
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
      },
    ],
  },
};

export interface ReadyPod {
  status: { podIP: string };
}

/** The pod in namespace default once it is Running and Ready (a minute at most). */
export async function waitReadyPod(client: KubeClient, name: string): Promise<ReadyPod> {
  for (let i = 0; i < 600; i++) {
    const p = await client.get(R.pods, 'default', name).catch(() => undefined);
    const status = p?.status as { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
    if (status?.phase === 'Running' && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      return p as unknown as ReadyPod;
    await sleep(100);
  }
  throw new Error(`pod ${name} did not become ready`);
}
