// Probes on Docker nodes, driven by real kubectl: a failing liveness probe restarts the
// container, a failing readiness probe keeps the pod out of Endpoints, httpGet probes pass.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import type { RunResult } from '../integration/harness';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import type { KubeObject } from '../../engine/kinds/types';
import type { Condition } from '../../engine/apimachinery/workload-types';

/** An Endpoints subset as the test reads it. */
type Subset = { addresses?: { ip: string }[] };

const skip = await dockerSkip();
const cluster = `pr${process.pid}`;
let c: DockerCluster;
const kubectl = (args: string[], input?: string): Promise<RunResult> => c.kubectl(args, { input });
const podJSON = (name: string) => c.podJSON(name);
const apply = async (obj: unknown) => {
  const r = await kubectl(['apply', '-f', '-'], JSON.stringify(obj));
  assert.equal(r.code, 0, r.stderr);
};
const pod = (name: string, labels: Record<string, string>, container: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX_IMAGE, ...container }] },
});

before(async () => {
  if (!skip) c = await startDockerCluster(cluster, 'skiff-probes-');
});

after(async () => {
  if (!skip) await c?.stop();
});

test('a failing exec liveness probe restarts the container', { skip, timeout: 90_000 }, async () => {
  await apply(
    pod(
      'live',
      { app: 'live' },
      {
        command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
      },
    ),
  );
  const p = await waitFor(
    'a restart',
    async () => {
      const p = await podJSON('live');
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && p;
    },
    60_000,
  );
  assert.ok(p.status.containerStatuses[0].lastState?.terminated, JSON.stringify(p.status.containerStatuses[0]));
  const ev = (await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=live', '-o', 'json'])).stdout;
  const msgs = JSON.parse(ev).items.map((e: KubeObject) => `${e.reason}: ${e.message}`);
  assert.ok(
    msgs.some((m: string) => m.startsWith('Unhealthy: Liveness probe failed:') && m.includes('/tmp/healthy')),
    msgs.join('\n'),
  );
  assert.ok(msgs.includes('Killing: Container c failed liveness probe, will be restarted'), msgs.join('\n'));
});

test(
  'a failing readiness probe keeps the pod unready and out of Endpoints; httpGet readiness passes',
  { skip, timeout: 90_000 },
  async () => {
    const web = ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www'];
    await apply(
      pod(
        'good',
        { app: 'web' },
        {
          command: web,
          ports: [{ name: 'http', containerPort: 80 }],
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
        },
      ),
    );
    await apply(
      pod('bad', { app: 'web' }, { command: web, readinessProbe: { httpGet: { path: '/missing', port: 80 }, periodSeconds: 1 } }),
    );
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const good = await waitFor('good Ready', async () => {
      const p = await podJSON('good');
      return p.status?.conditions?.some((c: Condition) => c.type === 'Ready' && c.status === 'True') && p;
    });
    // Started after "good"; under load it may still be starting when "good" is Ready.
    const bad = await waitFor('bad Running', async () => {
      const p = await podJSON('bad');
      return p.status?.phase === 'Running' && p;
    });
    assert.equal(bad.status.containerStatuses[0].ready, false);
    assert.ok(bad.status.conditions.some((c: Condition) => c.type === 'Ready' && c.status === 'False'));
    const ep = await waitFor('endpoints with the good pod', async () => {
      const out = (await kubectl(['get', 'endpoints', 'web', '-o', 'json'])).stdout;
      const e = JSON.parse(out || '{}');
      return (e.subsets ?? []).some((s: Subset) => (s.addresses ?? []).some((a) => a.ip === good.status.podIP)) && e;
    });
    const ready = ep.subsets.flatMap((s: Subset) => s.addresses ?? []).map((a: { ip: string }) => a.ip);
    assert.ok(!ready.includes(bad.status.podIP), JSON.stringify(ep.subsets));
    const ev = JSON.parse((await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=bad', '-o', 'json'])).stdout).items;
    assert.ok(
      ev.some(
        (e: KubeObject) => e.reason === 'Unhealthy' && e.message === 'Readiness probe failed: HTTP probe failed with statuscode: 404',
      ),
      JSON.stringify(ev.map((e: KubeObject) => e.message)),
    );
  },
);
