// Issue 16's kernel path beside its fallback, on real Docker: with nft in the agent image a
// ClusterIP connection is DNATed by the agent's kernel (its rule counts it), NodePort on 127.0.0.1
// reaches a pod, and the mode is recorded for `skiff status`; with SKIFF_SERVICE_PROXY=userspace
// the same traffic runs through the userspace proxies and no rule exists. ClientIP affinity holds in
// both. (Readiness, UDP and churn on the kernel path: services.test.ts, which runs in the default mode.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { agentContainerName } from '../../engine/network/agent-container';

const skip = await dockerSkip();

const docker = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );

const objects = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'echo' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'echo' } },
      template: {
        metadata: { labels: { app: 'echo' } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'httpd',
              image: BUSYBOX_IMAGE,
              command: ['sh', '-c', 'mkdir -p /www && echo "$POD" > /www/index.html && exec httpd -f -p 8080 -h /www'],
              env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'echo' },
    spec: { type: 'NodePort', selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'sticky' },
    spec: { selector: { app: 'echo' }, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client' },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
  },
];

function hostGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    let b = '';
    s.on('data', (d: Buffer) => (b += d.toString()));
    s.on('end', () => resolve(b.trim().split('\n').pop()!.trim()));
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error('timed out')));
  });
}

async function setUp(c: DockerCluster): Promise<{ nodePort: number; pods: string[] }> {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  assert.equal(r.code, 0, r.stderr);
  const pods = await waitFor(
    'pods running',
    async () => {
      type Pod = { metadata: { name: string }; status?: { phase?: string } };
      const items = (JSON.parse((await c.kubectl(['get', 'pods', '-o', 'json'])).stdout) as { items: Pod[] }).items;
      const up = items.filter((p) => p.status?.phase === 'Running');
      return up.length === 3 && up.map((p) => p.metadata.name).filter((n) => n !== 'client');
    },
    90_000,
  );
  const svc = JSON.parse((await c.kubectl(['get', 'svc', 'echo', '-o', 'json'])).stdout) as { spec: { ports: { nodePort: number }[] } };
  const nodePort = svc.spec.ports[0].nodePort;
  return { nodePort, pods };
}

const podGet = async (c: DockerCluster, svc = 'echo', n = 1) =>
  (
    await c.kubectl([
      'exec',
      'client',
      '--',
      'sh',
      '-c',
      `for i in $(seq 1 ${n}); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${svc} 80 | tail -n 1; done`,
    ])
  ).stdout.trim();

for (const mode of ['kernel', 'userspace'] as const)
  describe(`Service traffic, ${mode} mode`, { skip }, () => {
    let c: DockerCluster;
    before(async () => {
      if (mode === 'userspace') process.env.SKIFF_SERVICE_PROXY = 'userspace';
      try {
        c = await startDockerCluster(`sp${mode[0]}${process.pid}`, 'skiff-svcproxy-');
      } finally {
        delete process.env.SKIFF_SERVICE_PROXY;
      }
      await c.cp.network!.ready();
    });
    after(async () => {
      await c?.stop();
    });

    test('pods reach the ClusterIP, the host its NodePort, and the mode is what it says', async () => {
      const { nodePort, pods } = await setUp(c);
      assert.ok(pods.includes(await waitFor('pod → ClusterIP', () => podGet(c), 20_000)));
      assert.ok(pods.includes(await waitFor('host → NodePort', () => hostGet(nodePort).catch(() => ''), 20_000)));
      const sticky = await waitFor(
        'sticky answers',
        async () => {
          const names = (await podGet(c, 'sticky', 6)).split('\n').filter(Boolean);
          return names.length === 6 && names;
        },
        30_000,
      );
      assert.equal(new Set(sticky).size, 1, `sessionAffinity ClientIP: one backend for one client (${sticky.join(',')})`);
      assert.equal(c.cp.network!.serviceProxy()?.mode, mode);
      const recorded = readFileSync(join(c.dir, c.cp.config.name, 'service-proxy'), 'utf8');
      assert.match(recorded, new RegExp(`^${mode}: `), 'what skiff status prints');
      const rules = await docker(['exec', agentContainerName(c.ref), 'nft', 'list', 'table', 'ip', 'skiff']).catch((e: Error) => e.message);
      if (mode === 'kernel') {
        const counted = /tcp dport 80 counter packets (\d+)/.exec(rules);
        assert.ok(counted && Number(counted[1]) > 0, `the kernel rule carried the pod's connection:\n${rules}`);
      } else assert.match(rules, /No such file or directory|does not exist/, 'no kernel rules in userspace mode');
    });
  });
