// NetworkPolicy on real Docker with real kubectl (issue 16): every case is an attack — a
// connection that works until a policy forbids it must then fail, by pod IP and through the
// Service's ClusterIP — and an allow that opens exactly what it names: podSelector,
// namespaceSelector, a named port, an egress ipBlock with except, a label change on a pod,
// and deleting the policies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { clusterPaths } from '../../engine/cluster/paths';
import Docker from 'dockerode';
import { L } from '../../engine/docker/names';
import type { KubeObject } from '../../engine/kinds/types';
import { run } from '../integration/harness';

const docker = new Docker();

const skip = await dockerSkip();
let c: DockerCluster;
let kernel = false;
const ip: Record<string, string> = {};
let svcIP = '';

const ok = async (args: string[], input?: string) => {
  const r = await c.kubectl(args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const apply = (obj: unknown) => ok(['apply', '-f', '-'], JSON.stringify(obj));

const httpd = (name: string, ns: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'httpd',
        image: BUSYBOX_IMAGE,
        command: ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www`],
        ports: [{ name: 'http', containerPort: 8080 }],
      },
    ],
  },
});
const sleeper = (name: string, ns: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
});
const policy = (ns: string, name: string, spec: unknown) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

// The client side runs with `docker exec` in the pod's container (kubectl exec would add the API
// server and kubelet to every probe on a shared machine); policies go through kubectl.
const containers = new Map<string, string>();
async function containerOf(from: string): Promise<string> {
  const [ns, pod] = from.split('/');
  if (!containers.has(from)) {
    const uid = (JSON.parse(await ok(['-n', ns, 'get', 'pod', pod, '-o', 'json'])) as KubeObject).metadata.uid;
    const list = await docker.listContainers({
      filters: { label: [`${L.podUid}=${uid}`, `${L.container}=${pod === 'web' || pod === 'web2' ? 'httpd' : 'c'}`] },
    });
    assert.equal(list.length, 1, `one running container for ${from}`);
    containers.set(from, list[0].Id);
  }
  return containers.get(from)!;
}

/** One HTTP request from `from` (ns/pod) to host:port; true when the page of the pod named `want` came back. */
async function reaches(from: string, host: string, port: number, want: string): Promise<boolean> {
  const id = await containerOf(from);
  const r = await run('docker', ['exec', id, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} ${port} | tail -n 1`]);
  return r.stdout.trim() === want;
}
const opens = (from: string, host: string, port: number, want: string) =>
  waitFor(`${from} → ${host}:${port} answering`, () => reaches(from, host, port, want), 30_000, 100);
// Blocked twice in a row (a single timeout could be the busy machine), each waiting out nc's 2 s.
const closes = async (from: string, host: string, port: number, want: string) => {
  await waitFor(`${from} → ${host}:${port} blocked`, async () => !(await reaches(from, host, port, want)), 30_000, 100);
  assert.equal(await reaches(from, host, port, want), false, `${from} → ${host}:${port} still blocked`);
};

before(async () => {
  if (skip) return;
  c = await startDockerCluster(`np${process.pid}`, 'skiff-np-');
  await c.cp.network!.ready();
  kernel = c.cp.network!.serviceProxy()?.mode === 'kernel';
  // network-policy-userspace.test.ts runs these attacks with the fallback forced: it must be the one running.
  if (process.env.SKIFF_SERVICE_PROXY === 'userspace') assert.equal(kernel, false, 'the userspace Service proxy runs');
  // One kubectl apply for everything: the machine is shared.
  const namespace = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  await apply({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      namespace('pa'),
      namespace('pb', { team: 'friends' }),
      httpd('web', 'pa', { app: 'web' }),
      sleeper('client', 'pa', { role: 'client' }),
      sleeper('intruder', 'pa', { role: 'other' }),
      sleeper('outsider', 'pb', { role: 'other' }),
      httpd('web2', 'pb', { app: 'web2' }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'pa' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    ],
  });
  for (const [ns, pod] of [
    ['pa', 'web'],
    ['pa', 'client'],
    ['pa', 'intruder'],
    ['pb', 'outsider'],
    ['pb', 'web2'],
  ])
    ip[pod] = await waitFor(
      `${pod} running`,
      async () => {
        const p = JSON.parse(await ok(['-n', ns, 'get', 'pod', pod, '-o', 'json'])) as { status?: { phase?: string; podIP?: string } };
        return p.status?.phase === 'Running' && p.status.podIP;
      },
      60_000,
    );
  svcIP = (JSON.parse(await ok(['-n', 'pa', 'get', 'svc', 'web', '-o', 'json'])) as { spec: { clusterIP: string } }).spec.clusterIP;
});

after(async () => {
  if (skip) return;
  await c?.stop();
});

describe('NetworkPolicy', { skip }, () => {
  test('without policies everything reaches the web pod, by IP and by Service', async () => {
    await Promise.all([
      opens('pa/client', ip.web, 8080, 'web'),
      opens('pa/intruder', ip.web, 8080, 'web'),
      opens('pb/outsider', ip.web, 8080, 'web'),
      opens('pa/client', svcIP, 80, 'web'),
      opens('pb/outsider', ip.web2, 8080, 'web2'),
    ]);
  });

  test('default deny ingress blocks pod → pod and pod → Service → pod', async () => {
    await apply(policy('pa', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    await Promise.all([closes('pa/client', ip.web, 8080, 'web'), closes('pa/client', svcIP, 80, 'web')]);
    const state = readFileSync(join(clusterPaths(c.dir, c.ref.name).dir, 'network-policy'), 'utf8');
    assert.match(state, kernel ? /^enforced \(nftables\)/ : /^enforced \(nftables; Service traffic checked by the userspace proxy\)/);
  });

  test('allow by podSelector on a named port opens it for that pod only', async () => {
    await apply(
      policy('pa', 'allow-client', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http' }] }],
      }),
    );
    await Promise.all([opens('pa/client', ip.web, 8080, 'web'), opens('pa/client', svcIP, 80, 'web')]);
    // The attacks run at once (each blocked one waits out nc's timeout).
    const [intruder, viaService, outsider] = await Promise.all([
      reaches('pa/intruder', ip.web, 8080, 'web'),
      reaches('pa/intruder', svcIP, 80, 'web'),
      reaches('pb/outsider', ip.web, 8080, 'web'),
    ]);
    assert.equal(intruder, false, 'another pod of the namespace stays out');
    assert.equal(viaService, false, 'also through the Service');
    assert.equal(outsider, false, 'a pod of another namespace stays out');
  });

  test('a label change on a pod opens and closes its access', async () => {
    await ok(['-n', 'pa', 'label', 'pod', 'intruder', 'role=client', '--overwrite']);
    await opens('pa/intruder', ip.web, 8080, 'web');
    await ok(['-n', 'pa', 'label', 'pod', 'intruder', 'role=other', '--overwrite']);
    await closes('pa/intruder', ip.web, 8080, 'web');
  });

  test('allow by namespaceSelector opens it for pods of that namespace', async () => {
    await apply(
      policy('pa', 'allow-friends', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'friends' } } }] }],
      }),
    );
    await opens('pb/outsider', ip.web, 8080, 'web');
    assert.equal(await reaches('pa/intruder', ip.web, 8080, 'web'), false, 'pods of other namespaces stay out');
  });

  test('egress ipBlock with except: the excepted address is blocked, the rest of the block reachable', async () => {
    const subnet = ip.web.replace(/\.\d+\.\d+$/, '.0.0/16');
    await apply(
      policy('pb', 'egress', {
        podSelector: { matchLabels: { role: 'other' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: subnet, except: [`${ip.web}/32`] } }] }],
      }),
    );
    await closes('pb/outsider', ip.web, 8080, 'web');
    assert.equal(await reaches('pb/outsider', ip.web2, 8080, 'web2'), true, 'the rest of the block stays reachable');
  });

  test('deleting the policies restores access', async () => {
    await ok(['-n', 'pa', 'delete', 'networkpolicy', '--all']);
    await ok(['-n', 'pb', 'delete', 'networkpolicy', '--all']);
    await Promise.all([
      opens('pa/intruder', ip.web, 8080, 'web'),
      opens('pb/outsider', ip.web, 8080, 'web'),
      opens('pa/intruder', svcIP, 80, 'web'),
    ]);
  });
});
