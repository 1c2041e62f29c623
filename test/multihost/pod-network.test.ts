/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument -- kubectl's JSON, read as a user's script would */
// Issue 15's pod network across machines, on two test machines (testing/two-machines.ts: each a
// network namespace with its own dockerd and iptables, on one LAN): every node has a podCIDR and
// the joined machine's pods use it; a Deployment spread by topologySpreadConstraints runs 2 + 2;
// a pod on B reaches a pod on A by IP (A sees B's pod IP: no masquerade) and by Service name
// (cluster DNS and the Service through the first machine), a pod on A reaches B's by IP;
// kubectl logs/exec/port-forward reach B's pods from A; `skiff image load` makes an image built
// on A run on B; B's cable pulled → NotReady → its pods rescheduled on A; plugged in → Ready;
// B's agent and dockerd killed → the same.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { kubectlPath, spawnCollect } from '../integration/harness';
import { netnsSkip, sh } from './testing/netns-host';
import { startTwoMachines, type TwoMachines } from './testing/two-machines';
import { BUSYBOX_IMAGE } from '../docker/images';
import { waitFor } from '../wait-for';

const skip = await netnsSkip();

// busybox httpd answers with the client address it saw (CGI REMOTE_ADDR) and its own host name.
const SERVER = [
  'mkdir -p /www/cgi-bin',
  `printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho "from $REMOTE_ADDR at $(hostname)"\\n' > /www/cgi-bin/ip`,
  'chmod +x /www/cgi-bin/ip',
  'echo serving on $(hostname)',
  'exec httpd -f -p 8080 -h /www',
].join('; ');
/** httpd's answer naming `ip` as the client (it prints IPv4 clients as [::ffff:a.b.c.d]). */
const seenFrom = (ip: string, at: string) => new RegExp(`from (\\[::ffff:)?${ip.replace(/\./g, '\\.')}\\]? at ${at}`);
const get = (host: string, port = 8080) => `printf 'GET /cgi-bin/ip HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} ${port}`;

describe('pods across machines (two network namespaces, each with its own dockerd)', { skip }, () => {
  let m: TwoMachines;
  type Pod = { name: string; node: string; ip: string };
  let pods: Pod[] = [];
  const onA = () => pods.filter((p) => p.node === m.nodeA);
  const onB = () => pods.filter((p) => p.node === m.nodeB);
  const webPods = async (): Promise<Pod[]> =>
    (await m.cp.json(['get', 'pods', '-l', 'app=web'])).items
      .filter((p: any) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
      .map((p: any) => ({ name: p.metadata.name, node: p.spec.nodeName, ip: p.status.podIP }));
  const execIn = (pod: string, script: string) => m.cp.kubectl(['exec', pod, '--', 'sh', '-c', script]);

  before(async () => {
    m = await startTwoMachines({ name: 'pn', env: { SKIFF_NODE_GRACE_SECONDS: '16' } });
  });
  after(async () => {
    await m?.cleanup();
  });

  it("every node has a podCIDR, and the joined machine's pod network is on its own", async () => {
    const b = await m.cp.json(['get', 'node', m.nodeB]);
    assert.match(b.spec.podCIDR, /^10\.24[4-7]\.\d+\.0\/24$/);
    assert.deepEqual(b.spec.podCIDRs, [b.spec.podCIDR]);
    const a = await m.cp.json(['get', 'node', m.nodeA]);
    assert.ok(a.spec.podCIDR && a.spec.podCIDR !== b.spec.podCIDR);
    const subnets = await sh('sh', [
      '-c',
      `docker -H ${m.b.dockerHost} network inspect $(docker -H ${m.b.dockerHost} network ls -q --filter name=joined-${m.nodeB}) --format '{{(index .IPAM.Config 0).Subnet}}'`,
    ]);
    assert.equal(subnets.stdout.trim(), b.spec.podCIDR);
  });

  it('a Deployment of 4 spread by topologySpreadConstraints runs 2 + 2', async () => {
    const objects = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          replicas: 4,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'kubernetes.io/hostname',
                  whenUnsatisfiable: 'DoNotSchedule',
                  labelSelector: { matchLabels: { app: 'web' } },
                },
              ],
              terminationGracePeriodSeconds: 1,
              containers: [{ name: 'web', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', SERVER] }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    ];
    const applied = await m.cp.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    assert.equal(applied.code, 0, applied.stderr);
    pods = await waitFor('4 web pods Running', async () => ((await webPods()).length === 4 ? webPods() : undefined), 90_000, 500);
    assert.equal(onA().length, 2, JSON.stringify(pods));
    assert.equal(onB().length, 2, JSON.stringify(pods));
    const cidrB = (await m.cp.json(['get', 'node', m.nodeB])).spec.podCIDR.replace(/\.0\/24$/, '.');
    for (const p of onB()) assert.ok(p.ip.startsWith(cidrB), `${p.ip} in ${cidrB}0/24`);
  });

  it("a pod on B reaches a pod on A by IP and sees its own IP kept; A's pod reaches B's; by Service name too", async () => {
    const [b, a] = [onB()[0], onA()[0]];
    const fromB = await execIn(b.name, get(a.ip));
    assert.equal(fromB.code, 0, fromB.stderr);
    assert.match(fromB.stdout, seenFrom(b.ip, a.name)); // no masquerade B → A
    const fromA = await execIn(a.name, get(b.ip));
    assert.match(fromA.stdout, seenFrom(a.ip, b.name)); // nor A → B
    // Cluster DNS and the Service's virtual IP, from B (both served on the first machine).
    let last = '';
    const bySvc = await waitFor(
      'the Service by name from B',
      async () => {
        const r = await execIn(b.name, get('web', 80));
        last = `${r.stdout}${r.stderr}; ${(await execIn(b.name, 'nslookup web')).stdout}`;
        return / 200 OK/.test(r.stdout) && r.stdout;
      },
      30_000,
      500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last: ${last}`);
    });
    assert.match(bySvc, /at web-/);
    const resolved = await execIn(b.name, 'nslookup web.default.svc.cluster.local');
    const svcIP = (await m.cp.json(['get', 'svc', 'web'])).spec.clusterIP;
    assert.match(resolved.stdout, new RegExp(svcIP.replace(/\./g, '\\.')));
  });

  it('kubectl logs, exec and port-forward reach a pod on B from A', async () => {
    const b = onB()[0];
    const logs = await m.cp.kubectl(['logs', b.name]);
    assert.match(logs.stdout, new RegExp(`serving on ${b.name}`));
    const exec = await execIn(b.name, 'hostname; exit 4');
    assert.equal(exec.code, 4);
    assert.equal(exec.stdout.trim(), b.name);
    // kubectl runs on A; it listens on A's LAN address so this test (on the LAN) can connect.
    const pf = spawnCollect(
      'nsenter',
      [`--net=/run/netns/${m.a.name}`, kubectlPath(), 'port-forward', '--address', m.a.address, `pod/${b.name}`, ':8080'],
      { HOME: m.dir, KUBECONFIG: `${m.dir}/kc` },
    );
    try {
      await pf.waitFor(/Forwarding from [\d.]+:\d+/, 15_000);
      const port = Number(/Forwarding from [\d.]+:(\d+)/.exec(pf.output())![1]);
      const got = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: m.a.address, port }, () => s.write('GET /cgi-bin/ip HTTP/1.0\r\n\r\n'));
        let data = '';
        s.on('data', (d) => (data += String(d)));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      });
      assert.match(got, new RegExp(`at ${b.name}`));
    } finally {
      pf.stop();
    }
  });

  it("skiff image load copies an image built on A into B's Docker, and a pod on B runs it", async () => {
    const image = 'pn-local/app:1';
    assert.equal((await sh('docker', ['-H', m.a.dockerHost, 'tag', BUSYBOX_IMAGE, image])).code, 0);
    const onBDocker = () => sh('docker', ['-H', m.b.dockerHost, 'image', 'inspect', image]);
    assert.notEqual((await onBDocker()).code, 0, 'B has no such image before the load');
    const loaded = await m.skiffA(['image', 'load', image, '--node', m.nodeB]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, new RegExp(`pn-local/app:1 loaded on node ${m.nodeB} \\(${m.b.address.replace(/\./g, '\\.')}\\)`));
    assert.equal((await onBDocker()).code, 0);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'local-image', namespace: 'default' },
      spec: {
        nodeName: m.nodeB,
        containers: [{ name: 'c', image, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo built-on-a; sleep 3600'] }],
      },
    };
    assert.equal((await m.cp.kubectl(['apply', '-f', '-'], JSON.stringify(pod))).code, 0);
    await waitFor(
      'the pod on B running the loaded image',
      async () => (await m.cp.json(['get', 'pod', 'local-image'])).status?.phase === 'Running',
      30_000,
      500,
    );
    // A node of this machine needs no copy: said in one line.
    const local = await m.skiffA(['image', 'load', image, '--node', m.nodeA]);
    assert.equal(local.code, 1);
    assert.match(local.stderr, /runs on this machine/);
  });

  it("B's cable pulled: its node turns NotReady and a spread Deployment's pod there is rescheduled on A; plugged back: Ready again", async () => {
    // Spread 1 + 1 over the machines; nodeTaintsPolicy Honor, so the partitioned (tainted) B stops
    // counting as a domain and the replacement may join A (with the default, Ignore, it stays Pending).
    const moved = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'moved', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'moved' } },
        template: {
          metadata: { labels: { app: 'moved' } },
          spec: {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'DoNotSchedule',
                nodeTaintsPolicy: 'Honor',
                labelSelector: { matchLabels: { app: 'moved' } },
              },
            ],
            // They tolerate an unreachable node for 1 s only.
            tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }],
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
          },
        },
      },
    };
    assert.equal((await m.cp.kubectl(['apply', '-f', '-'], JSON.stringify(moved))).code, 0);
    const placed = async (): Promise<string[]> =>
      (await m.cp.json(['get', 'pods', '-l', 'app=moved'])).items
        .filter((p: any) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
        .map((p: any) => p.spec.nodeName as string);
    await waitFor(
      'one on each machine',
      async () => {
        const on = await placed();
        return on.length === 2 && on.includes(m.nodeA) && on.includes(m.nodeB);
      },
      30_000,
      500,
    );
    const ready = async () =>
      (await m.cp.json(['get', 'node', m.nodeB])).status.conditions.find((c: { type: string }) => c.type === 'Ready').status as string;

    await m.lan.setLink(m.b.address, false);
    try {
      await waitFor('B NotReady', async () => (await ready()) !== 'True', 45_000, 500);
      await waitFor('both rescheduled on A', async () => (await placed()).filter((n) => n === m.nodeA).length === 2, 45_000, 500);
    } finally {
      await m.lan.setLink(m.b.address, true);
    }
    await waitFor('B Ready again', async () => (await ready()) === 'True', 45_000, 500);
  });

  it("B's agent and dockerd killed: its node turns NotReady and its pod is rescheduled on A", async () => {
    const placed = async (): Promise<string[]> =>
      (await m.cp.json(['get', 'pods', '-l', 'app=moved'])).items
        .filter((p: any) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
        .map((p: any) => p.spec.nodeName as string);
    const ready = async () =>
      (await m.cp.json(['get', 'node', m.nodeB])).status.conditions.find((c: { type: string }) => c.type === 'Ready').status as string;
    // Both pods of the last test are on A now; a third must go to B (maxSkew 1).
    assert.equal((await m.cp.kubectl(['scale', 'deployment', 'moved', '--replicas=3'])).code, 0);
    await waitFor('a pod on B', async () => (await placed()).includes(m.nodeB), 60_000, 500);
    // The machine's Skiff and Docker die at once (no stop, no cleanup): kill -9 both.
    const dockerd = Number(readFileSync(join(m.b.dir, 'docker.pid'), 'utf8'));
    m.agent.kill('SIGKILL');
    process.kill(dockerd, 'SIGKILL');
    try {
      await waitFor('B NotReady', async () => (await ready()) !== 'True', 60_000, 500);
      await waitFor('all 3 running on A', async () => (await placed()).filter((n) => n === m.nodeA).length === 3, 60_000, 500);
    } finally {
      // What dockerd left running in B's namespace (containerd, shims, containers) goes too.
      await sh('sh', ['-c', `ip netns pids ${m.b.name} | xargs -r kill -9`]);
    }
  });
});
