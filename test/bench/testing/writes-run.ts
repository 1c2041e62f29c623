// The writes a Deployment's pod makes, issued straight from a client with no controller,
// scheduler or kubelet in between: what the API server and store alone allow (the deploy-scale
// bench prints it beside its floor).
// - 'bound': its create and its binding, the writes before it counts as bound;
// - 'running': also what follows in the same run — the kubelet's Running status and the four
//   Events a pod gets on the way (Scheduled, Pulled, Created, Started), shaped as the scheduler's
//   and kubelet's recorders write them.
import { R } from '../../../engine/client/types';
import type { KubeClient } from '../../../engine/client/types';
import type { KubeObject } from '../../../engine/kinds/types';
import { makePod } from '../../../engine/scheduler/testing/fixtures';
import { bindTo, pool, setupPendingPods } from './scheduler-run';

export interface WritesRun {
  /** Pods created and bound (and, for 'running', given their status and Events) per second. */
  rate: number;
  /** This process's CPU (user + system) over the run, ms per pod. */
  cpuMsPerPod: number;
}

const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function event(pod: KubeObject, i: number, component: string, reason: string, message: string): KubeObject {
  const t = rfc3339();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod.metadata.name}.${reason.toLowerCase()}${i}`, namespace: 'default' },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      name: pod.metadata.name,
      namespace: 'default',
      uid: pod.metadata.uid,
      resourceVersion: pod.metadata.resourceVersion,
    },
    reason,
    message,
    type: 'Normal',
    source: { component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    reportingComponent: component,
    reportingInstance: '',
  };
}

function runningStatus(node: string, i: number) {
  const t = rfc3339();
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
    hostIP: '10.0.0.1',
    hostIPs: [{ ip: '10.0.0.1' }],
    podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    podIPs: [{ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }],
    startTime: t,
    qosClass: 'Burstable',
    containerStatuses: [
      {
        name: 'app',
        state: { running: { startedAt: t } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: 'registry.local/app:1',
        imageID: 'registry.local/app@sha256:0',
        containerID: `simulated://${node}-${i}`,
        started: true,
      },
    ],
  };
}

async function afterBind(client: KubeClient, pod: KubeObject, i: number, node: string) {
  const events = [
    event(pod, i, 'default-scheduler', 'Scheduled', `Successfully assigned default/${pod.metadata.name} to ${node}`),
    event(pod, i, 'kubelet', 'Pulled', 'Container image "registry.local/app:1" already present on machine'),
    event(pod, i, 'kubelet', 'Created', 'Created container: app'),
    event(pod, i, 'kubelet', 'Started', 'Started container app'),
  ];
  await Promise.all([
    client.patch(
      R.pods,
      'default',
      pod.metadata.name!,
      'json',
      [
        { op: 'test', path: '/metadata/uid', value: pod.metadata.uid },
        { op: 'add', path: '/status', value: runningStatus(node, i) },
      ],
      { subresource: 'status' },
    ),
    ...events.map((e) => client.create(R.events, 'default', e, { handOver: true })),
  ]);
}

export async function writesRun(nodes: number, pods: number, upTo: 'bound' | 'running' = 'bound'): Promise<WritesRun> {
  const tc = await setupPendingPods(nodes, 0);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // 64 in flight, as the scheduler bench creates its pods.
  await pool(pods, 64, async (i) => {
    const pod = makePod(`w-${i}`, { cpu: '10m', memory: '16Mi', labels: { app: 'scale' } });
    pod.metadata.uid = undefined;
    const created = await tc.client.create(R.pods, 'default', pod);
    const node = `node-${i % nodes}`;
    await bindTo(tc.client, `w-${i}`, node);
    if (upTo === 'running') await afterBind(tc.client, created, i, node);
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await tc.close();
  return { rate: pods / (ms / 1000), cpuMsPerPod: (cpu.user + cpu.system) / 1000 / pods };
}
