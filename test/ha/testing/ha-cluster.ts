// Two Skiff control-plane instances (separate processes, data dirs and HOMEs) of one cluster
// over a 3-member etcd: the first makes the PKI, the second shares it (--pki-from). For the HA
// acceptance test and bench; stop() kills what is left and removes every dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcdCluster, type EtcdCluster } from './etcd-cluster';
import { startSkiffProcess, type SkiffProcess } from '../../testing/skiff-process';
import { kubeHttp, type KubeHttp } from '../../testing/kube-http';

export interface HaInstance {
  skiff: SkiffProcess;
  http: KubeHttp;
  kubeconfig: string;
}

export interface HaCluster {
  name: string;
  etcd: EtcdCluster;
  instances: HaInstance[];
  /** Starts one more instance sharing the first one's PKI. */
  add(nodes: number): Promise<HaInstance>;
  stop(): Promise<void>;
}

export interface HaOptions {
  /** Nodes each instance runs (simulated), in start order. */
  nodes: number[];
  /** `--leader-elect-*` values, e.g. ['3s', '2s', '500ms'] (default: upstream's). */
  timings?: [string, string, string];
  etcd?: EtcdCluster;
}

export async function startHaCluster(o: HaOptions): Promise<HaCluster> {
  const etcd = o.etcd ?? (await startEtcdCluster(3));
  const name = `ha${process.pid % 10000}`;
  const dirs: string[] = [];
  const instances: HaInstance[] = [];
  const timing = o.timings
    ? [
        '--leader-elect-lease-duration',
        o.timings[0],
        '--leader-elect-renew-deadline',
        o.timings[1],
        '--leader-elect-retry-period',
        o.timings[2],
      ]
    : [];
  const add = async (nodes: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-ha-'));
    dirs.push(dir);
    const first = dirs[0];
    const skiff = await startSkiffProcess({
      name,
      dir,
      nodeRuntime: 'simulated',
      ready: 'api',
      args: [
        '--datastore',
        'etcd',
        '--etcd-endpoints',
        etcd.endpoints.join(','),
        '--nodes',
        String(nodes),
        ...timing,
        ...(dir === first ? [] : ['--pki-from', join(first, 'data', name, 'pki')]),
      ],
    });
    const kubeconfig = join(dir, 'kc');
    const inst = { skiff, http: kubeHttp(kubeconfig), kubeconfig };
    instances.push(inst);
    return inst;
  };
  const stop = async () => {
    await Promise.all(instances.map((i) => i.skiff.kill()));
    if (!o.etcd) await etcd.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    for (const n of o.nodes) await add(n);
  } catch (e) {
    await stop();
    throw e;
  }
  return { name, etcd, instances, add, stop };
}

/** The holder of kube-system/<lease> as `http` reads it ('' when none or unreadable). */
export async function leaseHolder(http: KubeHttp, lease: 'kube-scheduler' | 'kube-controller-manager'): Promise<string> {
  const r = await http.call('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`).catch(() => undefined);
  return r?.status === 200 ? String((r.body.spec as { holderIdentity?: string })?.holderIdentity ?? '') : '';
}
