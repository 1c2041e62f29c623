// The writes a Deployment's pod needs before it counts as bound — its create and its binding —
// issued straight from a client, with no controller, scheduler, kubelet or Event in between:
// what the API server and store alone allow (the deploy-scale bench prints it beside its floor).
import { R } from '../../../engine/client/types';
import { makePod } from '../../../engine/scheduler/testing/fixtures';
import { bindTo, pool, setupPendingPods } from './scheduler-run';

export interface WritesRun {
  /** Pods created and bound per second. */
  rate: number;
  /** This process's CPU (user + system) over the run, ms per pod. */
  cpuMsPerPod: number;
}

export async function writesRun(nodes: number, pods: number): Promise<WritesRun> {
  const tc = await setupPendingPods(nodes, 0);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // 64 in flight, as the scheduler bench creates its pods.
  await pool(pods, 64, async (i) => {
    const pod = makePod(`w-${i}`, { cpu: '10m', memory: '16Mi', labels: { app: 'scale' } });
    pod.metadata.uid = undefined;
    await tc.client.create(R.pods, 'default', pod);
    await bindTo(tc.client, `w-${i}`, `node-${i % nodes}`);
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await tc.close();
  return { rate: pods / (ms / 1000), cpuMsPerPod: (cpu.user + cpu.system) / 1000 / pods };
}
