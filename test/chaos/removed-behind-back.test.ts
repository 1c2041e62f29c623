// Docker objects removed behind Skiff's back, one after another, under a running Docker-backed
// cluster (the shared engine: only this cluster's objects are touched): a pod's sandbox, an app
// container, the network agent, and the cluster network itself (its containers disconnected
// first, as Docker requires). Each is noticed and repaired — pods Running with working exec, the
// NodePort Service answering from the host — with an Event saying what went; the time each
// repair took is printed beside the 10 s.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- kubectl's and Docker's JSON is read untyped, as a user's script would */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from '../docker/docker-available';
import { PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { removeClusterResources } from '../../engine/docker/network';
import { waitFor } from '../wait-for';
import { httpGet, webDeployment, webService } from './testing/web-app';
import { startSkiffProcess, type SkiffProcess } from '../testing/skiff-process';

const skip = await dockerSkip();
if (skip && process.env.SKIFF_REQUIRE_DOCKER) throw new Error(`SKIFF_REQUIRE_DOCKER is set but ${skip}`);
const cluster = 'chaos-removed';
let dir: string;
let skiff: SkiffProcess | undefined;

const docker = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out.trim()))),
  );

const manifests = `${webDeployment(2)}---${webService}`;

type PodView = { name: string; ip: string; ready: boolean; restarts: number };
async function pods(): Promise<PodView[]> {
  const items: any[] = (await skiff!.json(['get', 'pods', '-l', 'app=web'])).items ?? [];
  return items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      name: p.metadata.name,
      ip: p.status?.podIP ?? '',
      ready: Boolean(p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')),
      restarts: (p.status?.containerStatuses ?? []).reduce((n: number, s: any) => n + s.restartCount, 0),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Waits until both pods are ready, exec works in each and the Service answers; returns how long it took. */
async function healthy(what: string, port: number, since: number): Promise<number> {
  await waitFor(
    `${what}: repaired`,
    async () => {
      const ps = await pods();
      if (ps.length !== 2 || !ps.every((p) => p.ready)) return false;
      for (const p of ps) if ((await skiff!.kubectl(['exec', p.name, '--', 'true'])).code !== 0) return false;
      return /web-/.test(await httpGet(port));
    },
    30_000, // the 10 s is a figure printed below, not a timed assert (a loaded CI machine is slower)
    250,
  );
  return Date.now() - since;
}

async function warning(reason: string, pattern: RegExp): Promise<string> {
  return waitFor(`${reason} event`, async () => {
    const items: any[] = (await skiff!.json(['get', 'events', '--field-selector', `reason=${reason}`])).items ?? [];
    return items.map((e) => e.message as string).find((m) => pattern.test(m));
  }).catch(async (e: Error) => {
    // What the kubelet saw and said, for whoever reads the failure.
    console.log((await skiff!.kubectl(['get', 'events', '--sort-by=.lastTimestamp'])).stdout.split('\n').slice(-20).join('\n'));
    console.log(skiff!.output().split('\n').slice(-40).join('\n'));
    throw e;
  });
}

/** The web container a pod runs now, as its status says: right after a sandbox repair the old
 *  sandbox's container may still be listed while the kubelet removes it (that removal is ours). */
async function liveWebContainer(): Promise<string> {
  return waitFor('a pod with a running web container', async () => {
    const items: any[] = (await skiff!.json(['get', 'pods', '-l', 'app=web'])).items ?? [];
    const id: string | undefined = items
      .map((p) => p.status?.containerStatuses?.[0])
      .find((c) => c?.state?.running && c.containerID)
      ?.containerID?.replace(/^docker:\/\//, '');
    return id && (await docker(['inspect', '-f', '{{.State.Running}}', id])) === 'true' ? id : undefined;
  });
}

const dockerName = async (filter: string) =>
  (await docker(['ps', '--filter', `label=skiff.cluster=${cluster}`, '--format', '{{.Names}}']))
    .split('\n')
    .find((n) => n.includes(filter))!;

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-removed-'));
  await removeClusterResources(new Docker(), cluster);
});

after(async () => {
  if (skip) return;
  await skiff?.kill();
  await removeClusterResources(new Docker(), cluster);
  rmSync(dir, { recursive: true, force: true });
});

test('sandbox, agent and network removed behind our back: each repaired, with an event', { skip, timeout: 240_000 }, async () => {
  skiff = await startSkiffProcess({ name: cluster, dir, nodeRuntime: 'docker', env: { SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE } });
  assert.equal((await skiff.kubectl(['apply', '-f', '-'], manifests)).code, 0);
  const port = Number((await skiff.kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).stdout);
  await waitFor('2 pods ready', async () => (await pods()).filter((p) => p.ready).length === 2, 60_000);
  await healthy('start', port, Date.now());
  const times: string[] = [];

  let t = Date.now();
  await docker(['rm', '-f', await dockerName('k8s_POD_')]);
  times.push(`sandbox ${await healthy('sandbox removed', port, t)} ms`);
  assert.match(await warning('ContainerRemoved', /^Pod sandbox/), /was removed outside Skiff \(docker rm\); it will be re-created/);

  t = Date.now();
  await docker(['rm', '-f', await dockerName('-net')]);
  times.push(`agent ${await healthy('agent removed', port, t)} ms`);

  // The network goes last: Docker removes it only once nothing is attached.
  const before = await pods();
  const net = await docker(['network', 'ls', '-q', '--filter', `label=skiff.cluster=${cluster}`]);
  t = Date.now();
  // Skiff is paused while the network is taken away, as if the commands ran between two of its
  // relists: on a loaded machine its reconnects otherwise race the disconnects without end.
  skiff.proc.kill('SIGSTOP');
  try {
    const attached = (await docker(['network', 'inspect', net, '-f', '{{range $k, $v := .Containers}}{{$k}} {{end}}']))
      .split(' ')
      .filter(Boolean);
    for (const c of attached) await docker(['network', 'disconnect', '-f', net, c]);
    await docker(['network', 'rm', net]);
  } finally {
    skiff.proc.kill('SIGCONT');
  }
  times.push(`network ${await healthy('network removed', port, t)} ms`);
  assert.match(await warning('SandboxNetworkRepaired', /removed outside Skiff/), /reconnected at 10\./);
  const after = await pods();
  assert.deepEqual(
    after.map((p) => [p.name, p.ip, p.restarts]),
    before.map((p) => [p.name, p.ip, p.restarts]),
    'pods keep their IPs and containers across a re-created network',
  );
  console.log(`# repaired within: ${times.join(', ')} (floor 10,000 ms each)`);
});

// `docker rm -f` of the container the pod runs now: its destroy event (or the relist) reports it,
// even while the kubelet's own removal of the dead container races Docker's.
void test('an app container removed behind our back: repaired, with a ContainerRemoved event', { skip, timeout: 120_000 }, async () => {
  const port = Number((await skiff!.kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).stdout);
  const t = Date.now();
  const id = await liveWebContainer();
  await docker(['rm', '-f', id]);
  console.log(`# container repaired within ${await healthy('container removed', port, t)} ms`);
  assert.match(await warning('ContainerRemoved', new RegExp(`^Container web \\(${id.slice(0, 12)}\\)`)), /was removed outside Skiff/);
});
