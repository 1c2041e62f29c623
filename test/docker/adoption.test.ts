// kill -9 of a Docker-backed Skiff, then start again: the kubelet adopts the containers it finds
// (same IDs, no restarts, no duplicates); `skiff delete` then leaves nothing labelled in Docker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from './images';
import { run, kubectlPath, type RunResult } from '../integration/harness';
import { removeClusterResources } from '../../engine/docker/network';
import { waitFor as sharedWaitFor } from '../wait-for';
import type { KubeObject } from '../../engine/kinds/types';
import type { Condition, ContainerStatus } from '../../engine/apimachinery/workload-types';

const skip = await dockerSkip();
const cluster = 'adopt';
const label = `skiff.cluster=${cluster}`;
const root = new URL('../..', import.meta.url).pathname;
let dir: string;
let proc: ChildProcess | undefined;

const env = () => ({ ...process.env, HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'kc'), SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
const sh = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );
const kubectl = (args: string[], input?: string): Promise<RunResult> => run(kubectlPath(), args, { input, env: env() });
const skiff = (args: string[]) =>
  run(process.execPath, [join(root, 'bin/skiff.mjs'), ...args, '--name', cluster, '--data-dir', join(dir, 'data')], { env: env() });
// Pod containers (node-labelled): the cluster's network agent is not a pod's.
const ids = async () =>
  (await sh(['ps', '-aq', '--no-trunc', '--filter', `label=${label}`, '--filter', 'label=skiff.node'])).split('\n').filter(Boolean).sort();

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000) => sharedWaitFor(what, fn, timeoutMs, 250);

async function startSkiff() {
  const p = spawn(
    process.execPath,
    [
      join(root, 'bin/skiff.mjs'),
      'start',
      '--foreground',
      '--name',
      cluster,
      '--data-dir',
      join(dir, 'data'),
      '--kubeconfig',
      join(dir, 'kc'),
      '--node-runtime',
      'docker',
    ],
    { env: env(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  p.stderr!.on('data', (d) => {
    stderr += d;
  });
  proc = p;
  await waitFor('skiff ready', async () => {
    if (p.exitCode !== null) throw new Error(`skiff exited ${p.exitCode}: ${stderr}`);
    // kubectl only: each `skiff` run may rebuild dist/cli, pulling chunks from under the server.
    return / Ready /.test((await kubectl(['get', 'nodes', '--no-headers'])).stdout);
  });
}

function kill9(): Promise<void> {
  const p = proc!;
  proc = undefined;
  if (p.exitCode !== null || p.signalCode) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

type PodView = { name: string; phase: string; restarts: number[]; containerIDs: string[] };
async function pods(): Promise<PodView[]> {
  const list = JSON.parse((await kubectl(['get', 'pods', '-l', 'app=sleepy', '-o', 'json'])).stdout || '{"items":[]}');
  return list.items
    .map((p: KubeObject) => ({
      name: p.metadata.name,
      phase: p.status?.phase,
      restarts: (p.status?.containerStatuses ?? []).map((s: ContainerStatus) => s.restartCount),
      containerIDs: (p.status?.containerStatuses ?? []).map((s: ContainerStatus) => s.containerID),
    }))
    .sort((a: PodView, b: PodView) => a.name.localeCompare(b.name));
}

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-adopt-'));
  mkdirSync(join(dir, 'home'));
  // Bundle the CLI once up front so no run below rebuilds it while the server lazy-loads chunks.
  const cli = await import('../../scripts/build-cli.mjs' as string);
  if (!cli.isFresh()) await cli.buildCli();
  await removeClusterResources(new Docker(), cluster); // leftovers of an earlier aborted run
});

after(async () => {
  if (skip) return;
  await kill9();
  await removeClusterResources(new Docker(), cluster);
  rmSync(dir, { recursive: true, force: true });
});

test('kill -9 and restart adopts running containers; skiff delete removes everything', { skip, timeout: 240_000 }, async () => {
  await startSkiff();
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'sleepy' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'sleepy' } },
      template: {
        metadata: { labels: { app: 'sleepy' } },
        spec: { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
      },
    },
  };
  const r = await kubectl(['apply', '-f', '-'], JSON.stringify(deploy));
  assert.equal(r.code, 0, r.stderr);
  const before = await waitFor('2 pods Running', async () => {
    const p = await pods();
    return p.length === 2 && p.every((x) => x.phase === 'Running' && x.containerIDs[0]) && p;
  });
  const containersBefore = await ids();
  assert.equal(containersBefore.length, 4, 'two sandboxes + two app containers');

  await kill9();
  assert.deepEqual(await ids(), containersBefore, 'containers survive the kill');
  const restartedAt = Math.floor(Date.now() / 1000) * 1000;
  await startSkiff();
  // The stored node status predates the kill: wait until the new kubelet has reported itself.
  await waitFor('node heartbeat after restart', async () => {
    const node = JSON.parse((await kubectl(['get', 'nodes', '-o', 'json'])).stdout).items[0];
    const ready = node?.status?.conditions?.find((c: Condition) => c.type === 'Ready');
    return ready?.status === 'True' && Date.parse(ready.lastHeartbeatTime) >= restartedAt;
  });
  // Give the kubelet time to sync (and do anything wrong it would do) before comparing.
  await new Promise((r) => setTimeout(r, 5000));
  const afterRestart = await waitFor('pods Running again', async () => {
    const p = await pods();
    return p.length === 2 && p.every((x) => x.phase === 'Running') && p;
  });
  assert.deepEqual(afterRestart, before, 'same pods, same container IDs, same restart counts');
  assert.deepEqual(await ids(), containersBefore, 'no extra containers');
  const running = (await sh(['ps', '-q', '--no-trunc', '--filter', `label=${label}`, '--filter', 'label=skiff.node']))
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.deepEqual(running, containersBefore, 'all still running');

  // skiff stop stops the containers too; the next start brings the pods back (a node reboot).
  const stopping = proc!;
  const stop = await skiff(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  await waitFor('skiff exited', async () => stopping.exitCode !== null || stopping.signalCode !== null);
  proc = undefined;
  assert.equal((await sh(['ps', '-q', '--filter', `label=${label}`])).trim(), '', 'nothing of the cluster runs after stop');
  assert.deepEqual(await ids(), containersBefore, 'stopped, not removed');
  await startSkiff();
  const rebooted = await waitFor(
    'pods Running after stop/start',
    async () => {
      const p = await pods();
      return p.length === 2 && p.every((x) => x.phase === 'Running' && x.restarts[0] === 1) && p;
    },
    60_000,
  );
  assert.deepEqual(
    rebooted.map((x) => x.name),
    before.map((x) => x.name),
    'the same pods',
  );
  const ex = await kubectl(['exec', rebooted[0].name, '--', 'echo', 'back']);
  assert.equal(ex.stdout.trim(), 'back', ex.stderr);

  // delete stops the running foreground process itself, then removes its Docker resources.
  const p = proc!;
  const del = await skiff(['delete']);
  assert.equal(del.code, 0, del.stderr);
  await waitFor('skiff exited', async () => p.exitCode !== null || p.signalCode !== null);
  assert.equal((await sh(['ps', '-aq', '--filter', `label=${label}`])).trim(), '');
  assert.equal((await sh(['network', 'ls', '-q', '--filter', `label=${label}`])).trim(), '');
});
