// Service networking on real Docker with real kubectl (issue 7): ClusterIPs spread over ready
// endpoints, cluster DNS (search path, headless, StatefulSet pods, ExternalName, forwarding),
// UDP, session affinity, NodePort and LoadBalancer on 127.0.0.1, the `kubernetes` Service from a
// pod with its token, and cleanup of everything the design created.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { get as httpGet } from 'node:http';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { prepareClusterNetwork, removeClusterResources } from '../../engine/docker/network';
import { agentContainerName } from '../../engine/network/agent-container';
import type { AddressPlan } from '../../engine/network/address-plan';

const skip = await dockerSkip();
const cluster = `svc${process.pid}`;
let c: DockerCluster;
let plan: AddressPlan;
let toolImage: string;

const sh = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );
const apply = async (obj: unknown) => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(obj) });
  assert.equal(r.code, 0, r.stderr);
};
const exec = async (pod: string, script: string) => {
  const r = await c.kubectl(['exec', pod, '--', 'sh', '-c', script]);
  return r.stdout;
};
const json = async (args: string[]) => JSON.parse((await c.kubectl([...args, '-o', 'json'])).stdout || '{}');

/** Bodies (pod names) of `n` HTTP requests from the client pod to host:port, one connection each. */
async function ask(host: string, n: number, port = 80): Promise<string[]> {
  const out = await exec(
    'client',
    `for i in $(seq 1 ${n}); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port} | tail -n 1; done`,
  );
  return out
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function readyWebPods(count: number): Promise<{ name: string; ip: string }[]> {
  return waitFor(
    `${count} ready web pods`,
    async () => {
      const list = (await json(['get', 'pods', '-l', 'app=web'])).items ?? [];
      const ready = list.filter(
        (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'),
      );
      return list.length === count && ready.length === count && ready.map((p: any) => ({ name: p.metadata.name, ip: p.status.podIP }));
    },
    90_000,
  );
}

function httpBody(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let b = '';
      res.on('data', (d) => {
        b += d;
      });
      res.on('end', () => resolve(b.trim()));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const webDeployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'httpd',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'mkdir -p /www && echo "$POD" > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www'],
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    },
  },
});

const service = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });

before(async () => {
  if (skip) return;
  c = await startDockerCluster(cluster, 'skiff-svc-');
  assert.ok(c.cp.network, 'a Docker-backed cluster runs Service networking');
  await c.cp.network!.ready();
  plan = planOf(c);
  toolImage = await ensureAgentImage(new Docker());
  await apply(webDeployment(3));
  await apply(service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
  // Services before the client pod, so it gets their env variables.
  await apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client' },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
  });
  await readyWebPods(3);
  await waitFor('client running', async () => (await c.podJSON('client')).status?.phase === 'Running', 60_000);
});

after(async () => {
  if (skip) return;
  await c?.stop();
});

function planOf(cl: DockerCluster): AddressPlan {
  const cfg = cl.cp.config;
  assert.ok(cfg.serviceCIDR && cfg.podCIDR, 'cluster.json keeps the pod and Service CIDRs');
  const base = cfg.serviceCIDR!.replace(/\.0\/17$/, '.');
  return {
    subnet: cfg.podCIDR!.replace('/17', '/16'),
    podRange: cfg.podCIDR!,
    serviceCIDR: cfg.serviceCIDR!,
    kubernetesIP: `${base}1`,
    dnsIP: `${base}10`,
  };
}

describe('Service networking', { skip }, () => {
  test('system Services, env variables and resolv.conf follow the address plan', async () => {
    const all = (await json(['get', 'svc', '-A'])).items;
    const ip = (ns: string, name: string) => all.find((s: any) => s.metadata.namespace === ns && s.metadata.name === name)?.spec.clusterIP;
    assert.equal(ip('default', 'kubernetes'), plan.kubernetesIP);
    assert.equal(ip('kube-system', 'kube-dns'), plan.dnsIP);
    assert.match(
      ip('default', 'web'),
      new RegExp(`^${plan.serviceCIDR.split('.').slice(0, 2).join('\\.')}\\.(1[2-9]\\d|2\\d\\d)\\.`),
      'ClusterIPs come from the upper half',
    );
    const env = await exec('client', 'env');
    assert.match(env, new RegExp(`^KUBERNETES_SERVICE_HOST=${plan.kubernetesIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^KUBERNETES_SERVICE_PORT=443$/m);
    assert.match(env, new RegExp(`^WEB_SERVICE_HOST=${ip('default', 'web').replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^WEB_PORT_80_TCP_PORT=80$/m);
    const resolv = await exec('client', 'cat /etc/resolv.conf');
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    assert.match(resolv, /ndots:5/);
  });

  test('a ClusterIP reaches every ready backend, by FQDN, svc.ns and short name', async () => {
    const pods = await readyWebPods(3);
    const seen = new Set(await ask('web.default.svc.cluster.local', 24));
    assert.deepEqual([...seen].sort(), pods.map((p) => p.name).sort(), 'round-robin over the 3 pods');
    assert.ok((await ask('web.default', 3)).every((n) => pods.some((p) => p.name === n)));
    assert.ok((await ask('web', 3)).every((n) => pods.some((p) => p.name === n)));
  });

  test('an endpoint that turns unready stops getting connections within seconds', async () => {
    const pods = await readyWebPods(3);
    const victim = pods[0].name;
    await c.kubectl(['exec', victim, '--', 'rm', '/tmp/ready']);
    const t0 = Date.now();
    await waitFor(
      'victim unready',
      async () => (await c.podJSON(victim)).status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'False'),
      30_000,
    );
    const marked = Date.now();
    const gone = await waitFor(
      'victim out of rotation',
      async () => {
        const names = await ask('web', 9);
        return names.length === 9 && !names.includes(victim) && names;
      },
      15_000,
      100,
    );
    const tookMs = Date.now() - marked;
    assert.equal(new Set(gone).size, 2, 'the other two still answer');
    assert.ok(tookMs < 8000, `out of rotation ${tookMs} ms after the pod turned unready (${marked - t0} ms to notice the probe)`);
    await c.kubectl(['exec', victim, '--', 'touch', '/tmp/ready']);
    await waitFor('victim back', async () => (await ask('web', 9)).includes(victim), 30_000, 200);
  });

  test('headless Services and StatefulSet pods resolve to pod IPs; ExternalName is a CNAME', async () => {
    const pods = await readyWebPods(3);
    await apply(
      service('web-headless', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
    );
    await apply(service('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }));
    await apply(service('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'x', port: 1 }] }));
    await apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 1,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
        },
      },
    });
    const headless = await waitFor(
      'headless answers',
      async () => {
        const out = await exec('client', 'nslookup web-headless.default.svc.cluster.local');
        const ips = [...out.matchAll(/Address: (\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).filter((ip) => ip !== '127.0.0.11');
        return ips.length === 3 && ips;
      },
      20_000,
    );
    assert.deepEqual(headless.sort(), pods.map((p) => p.ip).sort());
    const dbIP = await waitFor('db-0 running', async () => (await c.podJSON('db-0')).status?.podIP, 60_000);
    const db = await waitFor(
      'db-0 resolves',
      async () => {
        const out = await exec('client', 'nslookup db-0.db.default.svc.cluster.local');
        return /Address: \d/.test(out.replace(/Address:\s+127\.0\.0\.11(:53)?/g, '')) && out;
      },
      30_000,
    );
    assert.match(db, new RegExp(`Address: ${dbIP.replace(/\./g, '\\.')}$`, 'm'));
    const alias = await exec('client', 'nslookup alias');
    assert.match(alias, /alias\.default\.svc\.cluster\.local\s+canonical name = web\.default\.svc\.cluster\.local/);
    assert.ok(
      (await ask('alias', 2)).every((n) => pods.some((p) => p.name === n)),
      'connections follow the CNAME',
    );
    const unknown = await exec('client', 'nslookup nothing-here.default.svc.cluster.local 2>&1 || true');
    assert.match(unknown, /NXDOMAIN/);
    // Names outside the cluster go to the agent's resolver (Docker's, which knows container names).
    const outside = await exec('client', `nslookup ${agentContainerName(c.ref)}. ${plan.dnsIP} 2>&1 || true`);
    assert.match(outside, /Address: \d+\.\d+\.\d+\.\d+$/m, outside);
  });

  test('UDP to a ClusterIP reaches a backend and replies come back', async () => {
    const echo = "require('dgram').createSocket('udp4').on('message',function(m,r){this.send('echo:'+m,r.port,r.address)}).bind(5353)";
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'udp-echo', labels: { app: 'udp-echo' } },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: toolImage, command: ['node', '-e', echo] }] },
    });
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tool' },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: toolImage, command: ['sleep', '3600'] }] },
    });
    await apply(service('udp-echo', { selector: { app: 'udp-echo' }, ports: [{ port: 53, targetPort: 5353, protocol: 'UDP' }] }));
    await waitFor(
      'tool and echo running',
      async () => (await c.podJSON('tool')).status?.phase === 'Running' && (await c.podJSON('udp-echo')).status?.phase === 'Running',
      60_000,
    );
    const send =
      "const s=require('dgram').createSocket('udp4');s.on('message',m=>{console.log(String(m));process.exit(0)});s.send('ping',53,'udp-echo.default.svc.cluster.local');setTimeout(()=>process.exit(3),2000)";
    const reply = await waitFor(
      'udp echo',
      async () => (await c.kubectl(['exec', 'tool', '--', 'node', '-e', send])).stdout.trim(),
      20_000,
    );
    assert.equal(reply, 'echo:ping');
  });

  test('sessionAffinity ClientIP keeps a client on one backend', async () => {
    await apply(service('sticky', { selector: { app: 'web' }, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http' }] }));
    const names = await waitFor(
      'sticky answers',
      async () => {
        const n = await ask('sticky', 8);
        return n.length === 8 && n;
      },
      20_000,
    );
    assert.equal(new Set(names).size, 1, `one backend for one client: ${names.join(',')}`);
  });

  test('NodePort and LoadBalancer answer on 127.0.0.1; a busy host port is a Warning event', async () => {
    const pods = await readyWebPods(3);
    await apply(service('web-np', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }));
    const nodePort = (await json(['get', 'svc', 'web-np'])).spec.ports[0].nodePort;
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    const body = await waitFor('NodePort answers', () => httpBody(nodePort), 20_000);
    assert.ok(
      pods.some((p) => p.name === body),
      body,
    );

    const lbPort = await freePort();
    await apply(service('web-lb', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: lbPort, targetPort: 8080 }] }));
    const ingress = await waitFor('LB ingress', async () => (await json(['get', 'svc', 'web-lb'])).status?.loadBalancer?.ingress, 20_000);
    assert.deepEqual(ingress, [{ ip: '127.0.0.1' }]);
    assert.ok(pods.map((p) => p.name).includes(await httpBody(lbPort)));
    const printed = (await c.kubectl(['get', 'svc', 'web-lb', '--no-headers'])).stdout;
    assert.match(printed, /LoadBalancer\s+\S+\s+127\.0\.0\.1\s/);

    const blocker: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const busy = (blocker.address() as { port: number }).port;
    try {
      await apply(service('web-busy', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: busy, targetPort: 8080 }] }));
      const ev = await waitFor(
        'Warning event',
        async () =>
          (await json(['get', 'events', '--field-selector', 'involvedObject.name=web-busy'])).items?.find(
            (e: any) => e.reason === 'HostPortUnavailable',
          ),
        20_000,
      );
      assert.equal(ev.type, 'Warning');
      assert.match(ev.message, new RegExp(`127\\.0\\.0\\.1:${busy}.*already in use`));
      assert.equal((await json(['get', 'svc', 'web-busy'])).status?.loadBalancer?.ingress, undefined, 'no ingress while the port is busy');
    } finally {
      blocker.close();
    }

    // Deleting the Service closes its host ports.
    assert.equal((await c.kubectl(['delete', 'svc', 'web-np'])).code, 0);
    await waitFor(
      'NodePort closed',
      async () =>
        httpBody(nodePort).then(
          () => false,
          (e) => /ECONNREFUSED/.test(e.message),
        ),
      10_000,
    );
  });

  test('a pod lists pods through the kubernetes Service with its token (by IP and by name)', async () => {
    const script = [
      "const fs=require('fs'),https=require('https');const d='/var/run/secrets/kubernetes.io/serviceaccount/';",
      "const get=(host)=>new Promise((ok,no)=>https.get({host,port:+process.env.KUBERNETES_SERVICE_PORT,path:'/api/v1/namespaces/default/pods',ca:fs.readFileSync(d+'ca.crt'),headers:{Authorization:'Bearer '+fs.readFileSync(d+'token','utf8')}},",
      "r=>{let b='';r.on('data',c=>b+=c);r.on('end',()=>ok(r.statusCode+' '+JSON.parse(b).items.map(p=>p.metadata.name).join(',')))}).on('error',no));",
      "(async()=>{console.log('IP',await get(process.env.KUBERNETES_SERVICE_HOST));console.log('NAME',await get('kubernetes.default.svc'))})().catch(e=>{console.log('FAIL',e.message);process.exit(1)})",
    ].join('');
    // With RBAC a pod's token holds nothing by default: grant its account view here.
    assert.equal(
      (await c.kubectl(['create', 'rolebinding', 'apiclient-view', '--clusterrole=view', '--serviceaccount=default:default'])).code,
      0,
    );
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'apiclient' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: toolImage, command: ['node', '-e', script] }] },
    });
    const phase = await waitFor(
      'apiclient done',
      async () => {
        const p = (await c.podJSON('apiclient')).status?.phase;
        return (p === 'Succeeded' || p === 'Failed') && p;
      },
      60_000,
    );
    const logs = (await c.kubectl(['logs', 'apiclient'])).stdout;
    assert.equal(phase, 'Succeeded', logs);
    assert.match(logs, /^IP 200 .*\bclient\b/m);
    assert.match(logs, /^NAME 200 .*\bweb-/m);
  });

  test("an agent removed behind Skiff's back comes back, and so do its Services", async () => {
    const name = agentContainerName(c.ref);
    const before = (await sh(['inspect', '-f', '{{.Id}}', name])).trim();
    await sh(['rm', '-f', name]);
    const t0 = Date.now();
    const names = await waitFor(
      'Services answer again',
      async () => {
        const n = await ask('web', 3);
        return n.length === 3 && n;
      },
      60_000,
      250,
    );
    assert.equal(names.length, 3);
    assert.notEqual((await sh(['inspect', '-f', '{{.Id}}', name])).trim(), before, 'a new container');
    assert.ok(Date.now() - t0 < 30_000);
  });

  test('scaled to 1, only that pod answers', async () => {
    assert.equal((await c.kubectl(['scale', 'deployment', 'web', '--replicas=1'])).code, 0);
    const [only] = await readyWebPods(1);
    const names = await waitFor(
      'one backend',
      async () => {
        const n = await ask('web', 10);
        return n.length === 10 && new Set(n).size === 1 && n;
      },
      20_000,
      200,
    );
    assert.equal(names[0], only.name);
  });

  test('stopping and cleaning up the cluster leaves no agent container', async () => {
    const name = agentContainerName(c.ref);
    assert.match(
      await sh(['ps', '--filter', `name=^${name}$`, '--format', '{{.Names}}']),
      new RegExp(name),
      'the agent runs while the cluster does',
    );
    await c.stop();
    assert.equal((await sh(['ps', '-a', '--filter', `name=^${name}$`, '-q'])).trim(), '');
    assert.equal((await sh(['ps', '-a', '--filter', `label=skiff.cluster=${cluster}`, '-q'])).trim(), '');
  });
});

test(
  'a cluster network of an older Skiff (no --ip-range) is re-created on its subnet, unless containers still use it',
  { skip },
  async () => {
    const old = `oldnet${process.pid}`;
    const docker = new Docker();
    await removeClusterResources(docker, old);
    try {
      await sh(['network', 'create', '--subnet', '10.177.0.0/16', '--label', `skiff.cluster=${old}`, `skiff-${old}`]);
      await sh([
        'create',
        '--name',
        `${old}-stopped`,
        '--label',
        `skiff.cluster=${old}`,
        '--network',
        `skiff-${old}`,
        BUSYBOX_IMAGE,
        'true',
      ]);
      assert.deepEqual(
        await prepareClusterNetwork(docker, old),
        { name: `skiff-${old}`, subnet: '10.177.0.0/16', ipRange: undefined },
        'kept for its stopped container',
      );
      await sh(['rm', `${old}-stopped`]);
      assert.deepEqual(await prepareClusterNetwork(docker, old), {
        name: `skiff-${old}`,
        subnet: '10.177.0.0/16',
        ipRange: '10.177.0.0/17',
      });
    } finally {
      await removeClusterResources(docker, old);
    }
  },
);
