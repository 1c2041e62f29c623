// Two clusters named `local` under two HOMEs on one Docker engine: each keys its Docker objects by
// its own UID (cluster-id.json), so both run side by side and deleting one leaves the other's
// pods running. Objects of a cluster made before UIDs (labelled by name only) belong to it alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from './images';
import { run, kubectlPath } from '../integration/harness';
import { waitFor } from '../wait-for';
import { listClusterContainers, removeClusterResources } from '../../engine/docker/network';
import { loadClusterRef } from '../../engine/cluster/cluster-id';

const skip = await dockerSkip();
const root = new URL('../..', import.meta.url).pathname;
const docker = new Docker();
let dir: string;
const homes = ['a', 'b'];
const home = (h: string) => join(dir, h);
const dataDir = (h: string) => join(home(h), '.skiff');
const kc = (h: string) => join(home(h), 'kc');
const env = (h: string) => ({ PATH: process.env.PATH ?? '', HOME: home(h), KUBECONFIG: kc(h), SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
const skiff = (h: string, args: string[]) =>
  run(process.execPath, [join(root, 'bin/skiff.mjs'), ...args], { env: env(h), timeoutMs: 90_000 });
const kubectl = (h: string, args: string[]) => run(kubectlPath(), args, { env: env(h) });
const refOf = (h: string) => loadClusterRef(join(dataDir(h), 'local'), 'local', { create: false });

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-twins-'));
  for (const h of homes) mkdirSync(home(h));
  const builder: string = '../../scripts/build-cli.mjs'; // untyped script: not resolved by tsc
  const cli = (await import(builder)) as { isFresh(): boolean; buildCli(): Promise<void> };
  if (!cli.isFresh()) await cli.buildCli();
});

after(async () => {
  if (skip) return;
  for (const h of homes) {
    await skiff(h, ['stop']).catch(() => {});
    await removeClusterResources(docker, refOf(h)).catch(() => {});
  }
  rmSync(dir, { recursive: true, force: true });
});

void test('two clusters named local run side by side; deleting one leaves the other running', { skip, timeout: 240_000 }, async () => {
  for (const h of homes) {
    const r = await skiff(h, ['start', '--kubeconfig', kc(h), '--node-runtime', 'docker']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  }
  const [a, b] = homes.map(refOf);
  assert.notEqual(a.uid, b.uid);
  for (const h of homes) {
    const r = await kubectl(h, ['run', `pod-${h}`, `--image=${BUSYBOX_IMAGE}`, '--image-pull-policy=Never', '--', 'sleep', '3600']);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const h of homes)
    await waitFor(
      `pod-${h} Running`,
      async () => (await kubectl(h, ['get', 'pod', `pod-${h}`, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running',
      60_000,
    );
  // Each cluster's containers and network carry its UID; neither sees the other's.
  const podsOf = async (ref: typeof a) =>
    (await listClusterContainers(docker, ref, { labels: ['skiff.node'] })).map((c) => c.Labels['skiff.pod']).sort();
  assert.deepEqual([...new Set(await podsOf(a))], ['pod-a']);
  assert.deepEqual([...new Set(await podsOf(b))], ['pod-b']);
  const nets = (await docker.listNetworks({ filters: { label: ['skiff.cluster=local'] } })).filter((n) =>
    [a.uid, b.uid].includes(n.Labels?.['skiff.cluster-uid'] ?? ''),
  );
  assert.equal(nets.length, 2, 'one network per cluster');

  const del = await skiff('a', ['delete']);
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual(await listClusterContainers(docker, a, { all: true }), [], "a's containers are gone");
  const bRunning = await listClusterContainers(docker, b, { labels: ['skiff.node'] });
  assert.ok(bRunning.length >= 2 && bRunning.every((c) => c.State === 'running'), "b's sandbox and container still run");
  assert.equal((await kubectl('b', ['get', 'pod', 'pod-b', '-o', 'jsonpath={.status.phase}'])).stdout, 'Running');
  const exec = await kubectl('b', ['exec', 'pod-b', '--', 'echo', 'alive']);
  assert.equal(exec.stdout.trim(), 'alive', exec.stderr);
});

void test('a cluster made before UIDs owns the objects labelled with its name alone', { skip, timeout: 60_000 }, async () => {
  const legacyDir = join(dir, 'legacy', 'old');
  mkdirSync(legacyDir, { recursive: true });
  writeFileSync(join(legacyDir, 'cluster.json'), JSON.stringify({ name: 'old', port: 1, datastore: 'sqlite', created: '' }));
  const legacy = loadClusterRef(legacyDir, 'old', { create: true });
  assert.equal(legacy.legacy, true);
  assert.deepEqual(loadClusterRef(legacyDir, 'old', { create: false }), legacy, 'kept in the data dir');
  const newer = { name: 'old', uid: 'ffffffff-0000-0000-0000-000000000000' };
  const name = `skiff-twins-old-${process.pid}`;
  const mk = (suffix: string, labels: Record<string, string>) =>
    docker.createContainer({ name: `${name}-${suffix}`, Image: PAUSE_IMAGE, Labels: labels }).then((c) => c.id);
  const byName = await mk('name', { 'skiff.cluster': 'old' });
  const byNewer = await mk('newer', { 'skiff.cluster': 'old', 'skiff.cluster-uid': newer.uid });
  try {
    assert.deepEqual(
      (await listClusterContainers(docker, legacy, { all: true })).map((c) => c.Id),
      [byName],
    );
    assert.deepEqual(
      (await listClusterContainers(docker, newer, { all: true })).map((c) => c.Id),
      [byNewer],
    );
    await removeClusterResources(docker, newer);
    assert.ok(await docker.getContainer(byName).inspect(), "a newer same-named cluster leaves the old one's objects alone");
    await removeClusterResources(docker, legacy);
    await assert.rejects(docker.getContainer(byName).inspect(), /no such container/i);
    assert.match(readFileSync(join(legacyDir, 'cluster-id.json'), 'utf8'), /"legacy": true/);
  } finally {
    for (const id of [byName, byNewer])
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => {});
  }
});
