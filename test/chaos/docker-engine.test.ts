// Chaos on a Docker engine of the test's own (the shared one is never restarted; its images do
// not leak in), one engine for both tests since building the network agent's image into it costs
// the most:
// - offline: the engine holds no sandbox image and cannot pull one. Skiff builds its own pause
//   image, the first pod runs, and the engine's event stream shows no pull.
// - Docker restarts under a running cluster (`systemctl restart docker`: every container stops).
//   Once Docker answers again the kubelet re-subscribes to its events, relists and repairs —
//   sandboxes restarted, containers restarted per restartPolicy (restartCount 1), the Completed
//   Job untouched, the network agent and a NodePort Service answering from the host — and later
//   kills are noticed as before. A `kubectl logs -f` open across it ends cleanly (exit 0) when its
//   container stops; a `kubectl port-forward` open across it keeps running, and connections made
//   during the repair and after it reach the pod.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- kubectl's and Docker's JSON is read untyped, as a user's script would */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE, ensureTestImages } from '../docker/images';
import { run, kubectlPath } from '../integration/harness';
import { waitFor } from '../wait-for';
import { httpGet, webDeployment, webService } from './testing/web-app';
import { kubectlStream, portForward } from './testing/kubectl-streams';
import { dedicatedDockerdSkip, startDedicatedDockerd, type DedicatedDockerd } from './testing/dedicated-dockerd';
import { ensurePauseImage, PAUSE_DIGEST_LABEL, PAUSE_IMAGE_REPO } from '../../engine/docker/pause-image';
import type { ControlPlane } from '../../engine/cluster/control-plane';

const skip = (await dockerSkip()) || (await dedicatedDockerdSkip());
if (skip && process.env.SKIFF_REQUIRE_DOCKER) throw new Error(`SKIFF_REQUIRE_DOCKER is set but ${skip}`);
let d: DedicatedDockerd;
let cp: ControlPlane | undefined;
let dir: string;
let hostBridges: string[] = [];
const logs: string[] = [];

const kubectl = (args: string[], input?: string) => run(kubectlPath(), args, { input, env: { KUBECONFIG: cp!.kubeconfigPath, HOME: dir } });
const json = async (args: string[]) => JSON.parse((await kubectl([...args, '-o', 'json'])).stdout || '{}');

const manifests = `${webDeployment(3)}---${webService}---
apiVersion: batch/v1
kind: Job
metadata: { name: once }
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - { name: once, image: ${BUSYBOX_IMAGE}, imagePullPolicy: Never, command: ['true'] }
`;

type Web = { name: string; phase: string; ready: boolean; restarts: number };
async function webPods(): Promise<Web[]> {
  return ((await json(['get', 'pods', '-l', 'app=web'])).items ?? []).map((p: any) => ({
    name: p.metadata.name,
    phase: p.status?.phase,
    ready: p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True',
    restarts: p.status?.containerStatuses?.[0]?.restartCount ?? 0,
  }));
}
/** The host's bridges, by name (other test files add and remove theirs meanwhile). */
async function linkNames(): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show', 'type', 'bridge']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0])
    .filter((n): n is string => !!n);
}

const allWeb = (pods: Web[], restarts: number) =>
  pods.length === 3 && pods.every((p) => p.phase === 'Running' && p.ready && p.restarts === restarts) && pods;

before(async () => {
  if (skip) return;
  hostBridges = await linkNames();
  d = await startDedicatedDockerd('chaos');
  await ensureTestImages(d.host);
  dir = mkdtempSync(join(tmpdir(), 'skiff-restart-'));
  process.env.DOCKER_HOST = d.host; // the cluster in this process uses the dedicated engine
  delete process.env.SKIFF_SANDBOX_IMAGE;
});

after(async () => {
  if (skip) return;
  await cp?.stop().catch(() => {});
  await d.destroy();
  rmSync(dir, { recursive: true, force: true });
});

void test('with no sandbox image in Docker the first pod runs and nothing is pulled', { skip, timeout: 120_000 }, async () => {
  const images = await d.docker.listImages();
  assert.ok(!images.some((i) => (i.RepoTags ?? []).some((t) => t.startsWith('registry.k8s.io/pause') || t.startsWith(PAUSE_IMAGE_REPO))));
  const events: any[] = [];
  const stream = await d.docker.getEvents({ filters: { type: ['image'] } });
  stream.on('data', (b: Buffer) => {
    for (const line of b.toString().split('\n').filter(Boolean)) events.push(JSON.parse(line));
  });
  const { startControlPlane } = await import('../../engine/cluster/control-plane');
  const offline = await startControlPlane({
    name: 'offline',
    dataDir: join(dir, 'offline'),
    datastore: 'sqlite',
    nodes: 1,
    nodeRuntime: 'docker',
  });
  cp = offline;
  const env = { PATH: process.env.PATH ?? '', KUBECONFIG: offline.kubeconfigPath, HOME: dir };
  const kubectl = (args: string[]) => run(kubectlPath(), args, { env });
  const r = await kubectl(['run', 'first', `--image=${BUSYBOX_IMAGE}`, '--image-pull-policy=Never', '--', 'sleep', '3600']);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(
    'pod first Running',
    async () => (await kubectl(['get', 'pod', 'first', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running',
    60_000,
  );

  const pulls = events.filter((e) => e.Action === 'pull');
  assert.deepEqual(pulls, [], 'Docker recorded no pull');
  const built = (await d.docker.listImages()).find((i) => (i.RepoTags ?? []).some((t) => t.startsWith(`${PAUSE_IMAGE_REPO}:`)));
  assert.ok(built, 'skiff/pause was built');
  const sandbox = (await d.docker.listContainers({ filters: { label: ['skiff.container=POD', 'skiff.pod=first'] } }))[0];
  assert.match(sandbox.Image, /^skiff\/pause:/);

  // Found again by tag and digest label: no second import. Only the sandbox image's imports
  // count (the event carries its labels): the network agent's image is imported at start too.
  const imports = () => events.filter((e) => e.Action === 'import' && e.Actor?.Attributes?.['skiff.image'] === 'pause').length;
  const before = imports();
  assert.equal(before, 1, 'the first pod imported the sandbox image once');
  const tag = await ensurePauseImage(d.docker);
  assert.equal((await d.docker.getImage(tag).inspect()).Config.Labels?.[PAUSE_DIGEST_LABEL]?.length, 64);
  assert.equal(imports(), before);

  // The pause process ends at once on SIGTERM, even as PID 1 (docker stop waits no grace period).
  const t = Date.now();
  await d.docker.getContainer(sandbox.Id).stop({ t: 20 });
  assert.ok(Date.now() - t < 10_000, 'pause exited on SIGTERM');
  assert.equal((await d.docker.getContainer(sandbox.Id).inspect()).State.ExitCode, 0);
  (stream as any).destroy();
  await kubectl(['delete', 'pod', 'first', '--wait=false']);
  await offline.stop();
  cp = undefined;
});

void test(
  'after Docker restarts, pods are repaired, the Job stays Completed and the Service answers',
  { skip, timeout: 300_000 },
  async () => {
    const { startControlPlane } = await import('../../engine/cluster/control-plane');
    cp = await startControlPlane({
      name: 'chaos',
      dataDir: dir,
      datastore: 'sqlite',
      nodes: 1,
      nodeRuntime: 'docker',
      log: (l) => logs.push(`${new Date().toISOString().slice(11, 23)} ${l}`),
    });
    await d.allowBridge(cp.config.podCIDR!.replace(/\/17$/, '/16'));
    const applied = await kubectl(['apply', '-f', '-'], manifests);
    assert.equal(applied.code, 0, applied.stderr);
    await waitFor('3 web pods Running and ready', async () => allWeb(await webPods(), 0), 90_000);
    await waitFor('Job complete', async () => (await json(['get', 'job', 'once'])).status?.succeeded === 1, 60_000);
    const nodePort = (await json(['get', 'svc', 'web'])).spec.ports[0].nodePort;
    const names = new Set((await webPods()).map((p) => p.name));
    await waitFor('the Service answers from the host', async () => names.has((await httpGet(nodePort)).trim()), 60_000);
    const jobPod = (await json(['get', 'pods', '-l', 'job-name=once'])).items[0];
    assert.equal(jobPod.status.phase, 'Succeeded');

    // What a user leaves open across the restart: a port-forward and a log follow of one pod.
    const kenv = { KUBECONFIG: cp.kubeconfigPath, HOME: dir };
    const target = [...names][0];
    const ipBefore: string = (await json(['get', 'pod', target])).status.podIP;
    const pf = await portForward(kubectlPath(), `pod/${target}`, 8080, kenv);
    assert.equal((await httpGet(pf.local)).trim(), target);
    const follow = kubectlStream(kubectlPath(), ['logs', '-f', target], kenv);
    // The follow is open (it shows the container's first line) before Docker goes.
    await waitFor('kubectl logs -f following', () => Promise.resolve(follow.output().includes('serving')), 30_000, 100);

    await d.stop(); // every container stops, as with systemctl restart docker
    const followEnd = await Promise.race([follow.exited, new Promise((r) => setTimeout(r, 30_000, 'still running'))]);
    assert.equal(followEnd, 0, `kubectl logs -f ends cleanly when the container stops with Docker: ${follow.output()}`);
    await d.start();
    const back = Date.now();
    // A connection made while the pod is being repaired waits for it, and keeps the session alive.
    const during = httpGet(pf.local, 60_000).catch((e: Error) => `failed: ${e.message}`);
    await waitFor('3 web pods Running again with restartCount 1', async () => allWeb(await webPods(), 1), 60_000, 250).catch(async (e) => {
      // What went wrong, for whoever reads the failure.
      console.log(logs.slice(-40).join('\n'));
      console.log(readFileSync(join(d.dir, 'dockerd.log'), 'utf8').split('\n').slice(-30).join('\n'));
      console.log(JSON.stringify(await webPods()));
      console.log(await d.cli(['ps', '-a', '--format', '{{.Names}} {{.Status}}']));
      console.log((await kubectl(['get', 'events', '--sort-by=.lastTimestamp'])).stdout.split('\n').slice(-25).join('\n'));
      throw e;
    });
    console.log(`# pods Running and ready again ${Date.now() - back} ms after Docker answered`);
    await waitFor(
      'node Ready',
      async () => (await json(['get', 'node'])).items[0].status.conditions.find((c: any) => c.type === 'Ready').status === 'True',
      30_000,
    );
    for (const p of await webPods()) {
      const r = await kubectl(['exec', p.name, '--', 'cat', '/www/index.html']);
      assert.equal(r.stdout.trim(), p.name, r.stderr);
    }
    const job = (await json(['get', 'pods', '-l', 'job-name=once'])).items[0];
    assert.equal(job.metadata.uid, jobPod.metadata.uid);
    assert.equal(job.status.phase, 'Succeeded', 'the Completed pod stays Completed');
    assert.equal(job.status.containerStatuses[0].restartCount, 0);
    assert.equal((await json(['get', 'job', 'once'])).status.succeeded, 1);
    await waitFor('the Service answers from the host again', async () => names.has((await httpGet(nodePort)).trim()), 30_000);
    console.log(`# Service answering ${Date.now() - back} ms after Docker answered`);
    assert.equal((await during).trim(), target, 'the connection made during the repair reached the pod');
    for (let i = 0; i < 3; i++) assert.equal((await httpGet(pf.local)).trim(), target, 'new connections through the same port-forward');
    assert.ok(pf.running(), `kubectl port-forward still runs: ${pf.output()}`);
    pf.stop();
    console.log(`# port-forward pod IP ${ipBefore} before the restart, ${(await json(['get', 'pod', target])).status.podIP} after`);
    const events = (await json(['get', 'events'])).items.map((e: any) => `${e.reason} ${e.involvedObject?.name}`);
    assert.ok(
      events.some((e: string) => /^Started web-/.test(e)),
      'Started events for the restarted containers',
    );

    // The event stream is back: a kill is noticed at once (then restarted after the crash back-off
    // its container earned by dying with Docker, 10 s as upstream).
    const victim = (await webPods())[0].name;
    const [c] = await d.docker.listContainers({ filters: { label: [`skiff.pod=${victim}`, 'skiff.container=web'] } });
    const killed = Date.now();
    await d.docker.getContainer(c.Id).kill();
    await waitFor(
      'the kill noticed',
      async () => {
        const p = await json(['get', 'pod', victim]);
        return !p.status.containerStatuses[0].state.running;
      },
      10_000,
      100,
    );
    console.log(`# a docker kill was noticed in ${Date.now() - killed} ms`);
    await waitFor('the killed container restarted', async () => (await webPods()).find((p) => p.name === victim)?.restarts === 2, 30_000);
    if (process.env.SKIFF_CHAOS_LOG) console.log(logs.join('\n'));
  },
);

// dockerd started with `--bridge=none` deletes docker0 in its network namespace: the shared
// engine's containers on the default network then fail to start ("could not find bridge docker0").
void test("the dedicated engine, started and restarted, leaves the shared engine's docker0 alone", { skip }, async () => {
  assert.ok(hostBridges.includes('docker0'), 'the shared engine has its default bridge to begin with');
  assert.ok((await linkNames()).includes('docker0'), 'docker0 is still there');
});
