// Three Docker nodes of one cluster share its network: pods on different nodes reach each
// other by pod IP, and each node runs only the pods bound to it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from './images';
import { run, kubectlPath, type RunResult } from '../integration/harness';
import { startControlPlane, type ControlPlane } from '../../engine/cluster/control-plane';
import { removeClusterResources } from '../../engine/docker/network';
import { waitFor } from '../wait-for';

const skip = await dockerSkip();
const cluster = `dm${process.pid}`;
let cp: ControlPlane;
let dir: string;

const sh = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );
const kubectl = (args: string[], input?: string): Promise<RunResult> =>
  run(kubectlPath(), args, { input, env: { KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') } });

const pod = (name: string, node: string, cmd: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    nodeName: `${cluster}-node-${node}`,
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', cmd] }],
  },
});

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-docker-mn-'));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  cp = await startControlPlane({ name: cluster, dataDir: dir, datastore: 'sqlite', nodes: 3, nodeRuntime: 'docker' });
});

after(async () => {
  if (skip) return;
  await cp?.stop();
  await removeClusterResources(new Docker(), cluster);
  rmSync(dir, { recursive: true, force: true });
});

test('pods on different docker nodes reach each other by pod IP', { skip, timeout: 60_000 }, async () => {
  await waitFor('3 nodes Ready', async () => ((await kubectl(['get', 'nodes'])).stdout.match(/\bReady\b/g) ?? []).length === 3);
  assert.equal(
    (
      await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify(pod('srv', '2', 'echo from-node-2 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp')),
      )
    ).code,
    0,
  );
  const ip = await waitFor('srv IP', async () => {
    const p = JSON.parse((await kubectl(['get', 'pod', 'srv', '-o', 'json'])).stdout);
    return p.status?.phase === 'Running' && p.status.podIP;
  });
  const r = await kubectl(
    ['apply', '-f', '-'],
    JSON.stringify(pod('cli', '3', `until printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc ${ip} 8080; do sleep 0.2; done; sleep 3600`)),
  );
  assert.equal(r.code, 0, r.stderr);
  const out = await waitFor('cli got the page', async () => {
    const l = await sh([
      'logs',
      (
        await sh([
          'ps',
          '-q',
          '--filter',
          `label=skiff.cluster=${cluster}`,
          '--filter',
          'label=skiff.pod=cli',
          '--filter',
          'label=skiff.container=c',
        ])
      ).trim(),
    ]);
    return l.includes('from-node-2') && l;
  });
  assert.match(out, /200 OK/);
  const nodeOf = async (p: string) =>
    (
      await sh([
        'ps',
        '--filter',
        `label=skiff.cluster=${cluster}`,
        '--filter',
        `label=skiff.pod=${p}`,
        '--format',
        '{{.Label "skiff.node"}}',
      ])
    )
      .trim()
      .split('\n');
  assert.deepEqual(new Set(await nodeOf('srv')), new Set([`${cluster}-node-2`]));
  assert.deepEqual(new Set(await nodeOf('cli')), new Set([`${cluster}-node-3`]));
  assert.equal(
    (await sh(['network', 'ls', '-q', '--filter', `label=skiff.cluster=${cluster}`])).trim().split('\n').length,
    1,
    'one network',
  );
});
