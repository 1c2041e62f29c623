// Sleep and resume: a Docker-backed `skiff start` process is stopped (SIGSTOP stands in for a
// laptop's lid closing) for longer than the node grace period (40 s), then continued. Its own
// clock jumped, its own kubelet missed its heartbeats — but that is our pause, not the node's
// failure: no NodeNotReady, no taint, no eviction, no restarted container, node Ready at once.
// SKIFF_CHAOS_PAUSE_SECONDS sets the pause (default 50 s; the 120 s was run by hand).
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- kubectl's JSON is read untyped, as a user's script would */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from '../docker/docker-available';
import { PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { removeClusterResources } from '../../engine/docker/network';
import { waitFor } from '../wait-for';
import { webDeployment } from './testing/web-app';
import { startSkiffProcess, type SkiffProcess } from '../testing/skiff-process';

const skip = await dockerSkip();
if (skip && process.env.SKIFF_REQUIRE_DOCKER) throw new Error(`SKIFF_REQUIRE_DOCKER is set but ${skip}`);
const cluster = 'chaos-sleep';
// The 120 s: three times the node grace period, so a missed "own pause" check evicts.
const pauseSeconds = Number(process.env.SKIFF_CHAOS_PAUSE_SECONDS) || 120;
let dir: string;
let skiff: SkiffProcess | undefined;

const json = (args: string[]) => skiff!.json(args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const deployment = webDeployment(2, { liveness: true });

type View = { pods: string[]; restarts: number; ready: number };
async function podView(): Promise<View> {
  const items: any[] = (await json(['get', 'pods', '-l', 'app=web'])).items ?? [];
  return {
    pods: items.map((p) => `${p.metadata.name}:${p.metadata.uid}`).sort(),
    restarts: items.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m: number, s: any) => m + s.restartCount, 0), 0),
    ready: items.filter((p) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length,
  };
}

async function nodeView() {
  const node = (await json(['get', 'nodes'])).items[0];
  const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
  return { status: ready.status as string, since: ready.lastTransitionTime as string, taints: (node.spec.taints ?? []) as any[] };
}

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-sleep-'));
  await removeClusterResources(new Docker(), cluster);
});

after(async () => {
  if (skip) return;
  await skiff?.kill();
  await removeClusterResources(new Docker(), cluster);
  rmSync(dir, { recursive: true, force: true });
});

test(`stopped for ${pauseSeconds} s and continued: no eviction, no restart, node Ready`, { skip, timeout: 240_000 }, async () => {
  skiff = await startSkiffProcess({ name: cluster, dir, nodeRuntime: 'docker', env: { SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE } });
  const p = skiff.proc;
  assert.equal((await skiff.kubectl(['apply', '-f', '-'], deployment)).code, 0);
  const before = await waitFor('2 pods ready', async () => {
    const v = await podView();
    return v.ready === 2 && v.pods.length === 2 ? v : undefined;
  });
  const nodeBefore = await nodeView();

  p.kill('SIGSTOP');
  await sleep(pauseSeconds * 1000);
  p.kill('SIGCONT');
  const resumed = Date.now();

  const node = await waitFor(
    'node Ready after resume',
    async () => {
      const n = await nodeView();
      return n.status === 'True' ? n : undefined;
    },
    5_000,
  );
  const readyAfterMs = Date.now() - resumed;
  // Watch a while longer: a late NodeNotReady, taint or probe failure would show here.
  await sleep(8_000);
  const after = await podView();
  const nodeAfter = await nodeView();
  const notReady = (await json(['get', 'events', '-A', '--field-selector', 'reason=NodeNotReady'])).items ?? [];
  console.log(`# node Ready ${readyAfterMs} ms after SIGCONT (floor 5,000 ms); pause ${pauseSeconds} s`);
  assert.equal(node.since, nodeBefore.since, 'the Ready condition never changed');
  assert.equal(nodeAfter.status, 'True');
  assert.equal(nodeAfter.since, nodeBefore.since);
  assert.deepEqual(nodeAfter.taints, []);
  assert.deepEqual(notReady, []);
  assert.deepEqual(after.pods, before.pods, 'no pod evicted or replaced');
  assert.equal(after.restarts, 0, 'no container restarted');
  assert.equal(after.ready, 2);
});
