// Test support for the workload controllers: a real API core, one controller wired to it, and
// helpers that play the kubelet's part (mark pods Running/Ready, Succeeded or Failed).
import type { KubeObject } from '../../kinds/types';
import { R, type KubeClient } from '../../client/types';
import { eventually, startTestCore } from '../../apiserver/testing/test-cluster';
import { createInformerFactory } from '../../client/informer-factory';
import { createEventRecorder } from '../../client/event-recorder';
import type { Controller, ControllerDeps } from '../types';

export interface Kit {
  /** Loosely typed so tests can read nested fields of returned objects without guards. */
  client: any;
  deps: ControllerDeps;
  /** Moves the controllers' clock ahead. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function startKit(make: (deps: ControllerDeps) => Controller, startAt = Date.now()): Promise<Kit> {
  const tc = await startTestCore();
  // The clock runs with real time (pod timestamps are real) and `advance` jumps it ahead.
  let offset = startAt - Date.now();
  const now = () => new Date(Date.now() + offset);
  const informers = createInformerFactory(tc.client);
  const events = createEventRecorder({ client: tc.client, component: 'test', now });
  const deps: ControllerDeps = { client: tc.client, informers, events, log: () => {}, now };
  const c = make(deps);
  await c.start();
  await informers.start();
  return {
    client: tc.client,
    deps,
    advance: (ms) => {
      offset += ms;
    },
    async stop() {
      c.stop();
      informers.stop();
      await events.flush();
      await tc.close();
    },
  };
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Plays the kubelet: sets the pod's phase (and Ready for Running). */
export async function setPhase(
  client: KubeClient,
  pod: KubeObject,
  phase: 'Running' | 'Succeeded' | 'Failed',
  ready = phase === 'Running',
) {
  const t = rfc3339(new Date());
  const status = {
    phase,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: t }],
    ...(phase !== 'Running'
      ? {
          containerStatuses: [
            {
              name: 'c',
              ready: false,
              restartCount: 0,
              image: 'x',
              imageID: '',
              state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error' } },
            },
          ],
        }
      : {}),
  };
  await client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, { subresource: 'status' });
}

export async function listPods(client: KubeClient, selector: string, ns = 'default'): Promise<any[]> {
  return (await client.list(R.pods, ns, { labelSelector: selector })).items;
}

/** `eventually` returning the check's truthy value, loosely typed for assertions. */
export const waitFor = (check: () => any, what: string, timeoutMs?: number): Promise<any> => eventually(check, what, timeoutMs);

export const container = { name: 'c', image: 'nginx' };
