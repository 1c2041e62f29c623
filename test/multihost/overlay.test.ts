/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- kubectl's JSON, read as a user's script would */
// Issue 15's pod network across machines that share no subnet: two test machines (each a network
// namespace with its own dockerd and iptables) on two subnets joined by a router namespace
// (testing/netns-router.ts), so a host route to the other machine's pod range has no on-link next
// hop. The machines' route controllers put that range on a VXLAN device instead
// (engine/network/pod-overlay.ts): a pod on A reaches a pod on B by IP and by Service name, B sees
// A's pod IP (no masquerade), a large answer comes through the smaller MTU; a device removed behind
// Skiff's back is re-made; `skiff leave` removes the devices on both machines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { netnsSkip, sh } from './testing/netns-host';
import { startTwoMachines, type TwoMachines } from './testing/two-machines';
import { BUSYBOX_IMAGE } from '../docker/images';
import { waitFor } from '../wait-for';

const skip = await netnsSkip();

// busybox httpd answers with the client address it saw (CGI REMOTE_ADDR) and its host name, and
// serves a 300 kB file (many full-size segments: they must fit the overlay's MTU).
const SERVER = [
  'mkdir -p /www/cgi-bin',
  `printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho "from $REMOTE_ADDR at $(hostname)"\\n' > /www/cgi-bin/ip`,
  'chmod +x /www/cgi-bin/ip',
  'head -c 300000 /dev/urandom > /www/big',
  'exec httpd -f -p 8080 -h /www',
].join('; ');
const seenFrom = (ip: string, at: string) => new RegExp(`from (\\[::ffff:)?${ip.replace(/\./g, '\\.')}\\]? at ${at}`);
const get = (host: string, port = 8080, path = '/cgi-bin/ip') => `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} ${port}`;

describe('pods across machines on two routed subnets (VXLAN overlay)', { skip }, () => {
  let m: TwoMachines;
  const pod = { a: { name: 'ov-a', ip: '' }, b: { name: 'ov-b', ip: '' } };
  const execIn = (name: string, script: string) => m.cp.kubectl(['exec', name, '--', 'sh', '-c', script]);
  /** The machine's VXLAN devices (name, MTU, VNI, local address) as `ip -d link` shows them. */
  const vxlans = async (ns: string) =>
    (await sh('ip', ['-n', ns, '-d', '-o', 'link', 'show', 'type', 'vxlan'])).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => ({
        dev: /^\d+: ([^:@]+)/.exec(l)![1],
        mtu: Number(/ mtu (\d+)/.exec(l)![1]),
        vni: Number(/vxlan id (\d+)/.exec(l)![1]),
        local: /vxlan id \d+ local ([\d.]+)/.exec(l)?.[1],
      }));
  const podCIDR = async (node: string) => (await m.cp.json(['get', 'node', node])).spec.podCIDR as string;

  before(async () => {
    m = await startTwoMachines({ name: 'ov', routed: true });
    const pods = [
      { name: pod.a.name, node: m.nodeA, app: 'ov-a' },
      { name: pod.b.name, node: m.nodeB, app: 'ov-b' },
    ].map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: 'default', labels: { app: p.app } },
      spec: {
        nodeName: p.node,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'web', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', SERVER] }],
      },
    }));
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'on-b', namespace: 'default' },
      spec: { selector: { app: 'ov-b' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const applied = await m.cp.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...pods, svc] }));
    assert.equal(applied.code, 0, applied.stderr);
    for (const p of [pod.a, pod.b])
      p.ip = await waitFor(
        `${p.name} Running`,
        async () => {
          const o = await m.cp.json(['get', 'pod', p.name]);
          return o.status?.phase === 'Running' && (o.status.podIP as string);
        },
        90_000,
        500,
      );
  });
  after(async () => {
    await m?.cleanup();
  });

  it("no host route reaches the other machine, so each routes the other's pod range over a VXLAN device (MTU 50 below the link's)", async () => {
    const viaRouter = await sh('ip', ['-n', m.a.name, 'route', 'get', m.b.address]);
    assert.match(viaRouter.stdout, / via /, 'B is behind the router');
    const [cidrA, cidrB] = [await podCIDR(m.nodeA), await podCIDR(m.nodeB)];
    // A's pods are in its cluster network, which A publishes on its node's annotation.
    const published: string = (await m.cp.json(['get', 'node', m.nodeA])).metadata.annotations['skiff.dev/pod-route'];
    const rangeA = published.split(' ')[0];
    assert.ok(cidrA && cidrB && rangeA);
    const devA = await waitFor('the VXLAN device on A', async () => (await vxlans(m.a.name))[0], 30_000, 500);
    const devB = await waitFor('the VXLAN device on B', async () => (await vxlans(m.b.name))[0], 30_000, 500);
    assert.equal(devA.mtu, 1500 - 50);
    assert.equal(devB.mtu, 1500 - 50);
    assert.equal(devA.vni, devB.vni, 'one VNI, handed from A to B');
    assert.equal(devA.local, m.a.address);
    assert.equal(devB.local, m.b.address);
    const routeA = (await sh('ip', ['-n', m.a.name, 'route', 'show', cidrB])).stdout;
    assert.match(routeA, new RegExp(`via ${m.b.address.replace(/\./g, '\\.')} dev ${devA.dev} .*onlink`));
    const routeB = (await sh('ip', ['-n', m.b.name, 'route', 'show', rangeA])).stdout;
    assert.match(routeB, new RegExp(`via ${m.a.address.replace(/\./g, '\\.')} dev ${devB.dev} .*onlink`));
    // One FDB entry per peer: B's device MAC at B's address.
    const fdbA = (await sh('bridge', ['-n', m.a.name, 'fdb', 'show', 'dev', devA.dev])).stdout;
    assert.match(fdbA, new RegExp(`dst ${m.b.address.replace(/\./g, '\\.')} self permanent`));
  });

  it("a pod on A reaches B's pod by IP and B sees A's pod IP; B's reaches A's; a 300 kB answer comes through", async () => {
    const fromA = await execIn(pod.a.name, get(pod.b.ip));
    assert.equal(fromA.code, 0, fromA.stderr);
    assert.match(fromA.stdout, seenFrom(pod.a.ip, pod.b.name)); // no masquerade A → B
    const fromB = await execIn(pod.b.name, get(pod.a.ip));
    assert.match(fromB.stdout, seenFrom(pod.b.ip, pod.a.name)); // nor B → A
    const big = await execIn(pod.a.name, `${get(pod.b.ip, 8080, '/big')} | wc -c`);
    assert.ok(Number(big.stdout.trim()) > 300_000, `got ${big.stdout} ${big.stderr}`);
  });

  it("a pod on A reaches B's pod by Service name (cluster DNS and the Service on A, the endpoint on B)", async () => {
    let last = '';
    const bySvc = await waitFor(
      'the Service by name from A',
      async () => {
        const r = await execIn(pod.a.name, get('on-b', 80));
        last = `${r.stdout}${r.stderr}`;
        return / 200 OK/.test(r.stdout) && r.stdout;
      },
      30_000,
      500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last: ${last}`);
    });
    assert.match(bySvc, new RegExp(`at ${pod.b.name}`));
  });

  it('a VXLAN device removed behind Skiff’s back is made again and traffic flows again', async () => {
    const dev = (await vxlans(m.a.name))[0].dev;
    assert.equal((await sh('ip', ['-n', m.a.name, 'link', 'del', dev])).code, 0); // its routes, neighbours and FDB go with it
    await waitFor('the device back (resync)', async () => (await vxlans(m.a.name)).length === 1, 30_000, 500);
    const again = await waitFor(
      'A → B again',
      async () => {
        const r = await execIn(pod.a.name, get(pod.b.ip));
        return / 200 OK/.test(r.stdout) && r.stdout;
      },
      15_000,
      500,
    );
    assert.match(again, seenFrom(pod.a.ip, pod.b.name));
  });

  it('skiff leave on B removes the VXLAN devices on both machines', async () => {
    const left = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = m.spawnB(['leave']);
      let out = '';
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(left.code, 0, left.out);
    assert.deepEqual(await vxlans(m.b.name), []);
    await waitFor('A’s device gone with its last peer', async () => (await vxlans(m.a.name)).length === 0, 30_000, 500);
  });
});
