// The Docker kubelet against a real Docker engine, driven by real kubectl: pods are containers
// on the cluster network, init containers run in order, crashes back off, nothing is left behind.
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
import { waitFor as sharedWaitFor } from '../wait-for';

const skip = await dockerSkip();
const cluster = `dk${process.pid}`;
const label = `skiff.cluster=${cluster}`;
let cp: ControlPlane;
let dir: string;

const sh = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );
const kubectl = (args: string[], input?: string): Promise<RunResult> =>
  run(kubectlPath(), args, { input, env: { KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') } });

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000) => sharedWaitFor(what, fn, timeoutMs);

const podJSON = async (name: string) => JSON.parse((await kubectl(['get', 'pod', name, '-o', 'json'])).stdout || '{}');
const containersOf = async (pod: string) =>
  (await sh(['ps', '-a', '--filter', `label=${label}`, '--filter', `label=skiff.pod=${pod}`, '--format', '{{.Names}}']))
    .split('\n')
    .filter(Boolean);
const logsOf = async (pod: string, container: string) => {
  const [id] = (
    await sh([
      'ps',
      '-a',
      '-q',
      '--filter',
      `label=${label}`,
      '--filter',
      `label=skiff.pod=${pod}`,
      '--filter',
      `label=skiff.container=${container}`,
    ])
  ).split('\n');
  return id ? sh(['logs', id]) : '';
};

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-docker-'));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  cp = await startControlPlane({ name: cluster, dataDir: dir, datastore: 'sqlite', nodes: 1, nodeRuntime: 'docker' });
  await waitFor('node Ready', async () => /\bReady\b/.test((await kubectl(['get', 'nodes'])).stdout));
});

after(async () => {
  if (skip) return;
  await cp?.stop();
  await removeClusterResources(new Docker(), cluster);
  rmSync(dir, { recursive: true, force: true });
});

test('kubectl run: a Running container with a pod IP; delete removes it', { skip, timeout: 60_000 }, async () => {
  const r = await kubectl(['run', 'ngx', `--image=${BUSYBOX_IMAGE}`, '--', 'httpd', '-f', '-p', '80']);
  assert.equal(r.code, 0, r.stderr);
  const pod = await waitFor('ngx Running', async () => {
    const p = await podJSON('ngx');
    return p.status?.phase === 'Running' && p;
  });
  assert.match(pod.status.podIP, /^10\.\d+\.\d+\.\d+$/);
  const wide = (await kubectl(['get', 'pod', 'ngx', '-o', 'wide'])).stdout;
  assert.ok(wide.includes(pod.status.podIP) && wide.includes(`${cluster}-node-1`), wide);
  const names = await containersOf('ngx');
  assert.equal(names.length, 2, names.join(','));
  assert.ok(names.some((n) => n.startsWith('k8s_ngx_ngx_default_')) && names.some((n) => n.startsWith('k8s_POD_ngx_')), names.join(','));
  assert.equal((await kubectl(['delete', 'pod', 'ngx', '--grace-period=1', '--wait=true'])).code, 0);
  await waitFor('containers removed', async () => (await containersOf('ngx')).length === 0);
});

test('two containers of a pod share localhost; init containers run in order', { skip, timeout: 60_000 }, async () => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'duo' },
    spec: {
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        {
          name: 'one',
          image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'echo one >> /work/order'],
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
        },
        {
          name: 'two',
          image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'echo two >> /work/order'],
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
        },
      ],
      containers: [
        {
          name: 'server',
          image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'cp /work/order /tmp/index.html; httpd -f -p 8080 -h /tmp'],
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
        },
        {
          name: 'client',
          image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'until printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc 127.0.0.1 8080; do sleep 0.2; done; sleep 3600'],
        },
      ],
    },
  };
  assert.equal((await kubectl(['apply', '-f', '-'], JSON.stringify(manifest))).code, 0);
  await waitFor('duo Running', async () => (await podJSON('duo')).status?.phase === 'Running');
  const out = await waitFor('client got the page', async () => {
    const l = await logsOf('duo', 'client');
    return /one\s+two/.test(l) && l;
  });
  assert.match(out, /200 OK/);
  await kubectl(['delete', 'pod', 'duo', '--wait=false']);
});

test('a crashing container reaches CrashLoopBackOff with restarts counted', { skip, timeout: 60_000 }, async () => {
  assert.equal((await kubectl(['run', 'crash', `--image=${BUSYBOX_IMAGE}`, '--', 'sh', '-c', 'echo bye; exit 3'])).code, 0);
  const st = await waitFor(
    'CrashLoopBackOff',
    async () => {
      const s = (await podJSON('crash')).status?.containerStatuses?.[0];
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' && s;
    },
    30_000,
  );
  assert.ok(st.restartCount >= 1, JSON.stringify(st));
  assert.equal(st.lastState.terminated.exitCode, 3);
  assert.equal(st.lastState.terminated.reason, 'Error');
  // Upstream's wording: "back-off <delay> restarting failed container=<name> pod=<pod>_<ns>(<uid>)".
  const { metadata } = (await podJSON('crash')) as { metadata: { uid: string } };
  const waiting = st as { ready: boolean; state: { waiting: { message: string } } };
  assert.match(
    waiting.state.waiting.message,
    new RegExp(`^back-off \\d+s restarting failed container=crash pod=crash_default\\(${metadata.uid}\\)$`),
  );
  assert.equal(waiting.ready, false);
  // kubectl's STATUS column (the server's Table) says it, as it does upstream.
  const row = await waitFor('kubectl get pod prints CrashLoopBackOff', async () => {
    const out = (await kubectl(['get', 'pod', 'crash', '--no-headers'])).stdout;
    return /CrashLoopBackOff/.test(out) && out;
  });
  assert.match(row, /^crash\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\S+ ago\)/);
  const events = await kubectl([
    'get',
    'events',
    '--field-selector',
    'involvedObject.name=crash,reason=BackOff',
    '-o',
    'jsonpath={.items[*].message}',
  ]);
  assert.match(events.stdout, /Back-off restarting failed container crash in pod crash_default\(/);
  const logs = await kubectl(['logs', 'crash', '--previous']);
  assert.equal(logs.stdout, 'bye\n', logs.stderr);
  await kubectl(['delete', 'pod', 'crash', '--wait=false']);
});

test('a missing image: ErrImagePull, then ImagePullBackOff, with a clear event', { skip, timeout: 60_000 }, async () => {
  assert.equal((await kubectl(['run', 'nope', '--image=skiff-test/missing:1'])).code, 0);
  const seen = new Set<string>();
  await waitFor('ImagePullBackOff', async () => {
    const r = (await podJSON('nope')).status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (r) seen.add(r);
    return r === 'ImagePullBackOff';
  });
  assert.equal((await podJSON('nope')).status.phase, 'Pending');
  const ev = JSON.parse((await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nope', '-o', 'json'])).stdout);
  const messages = ev.items.map((e: any) => e.message);
  assert.ok(
    messages.some((m: string) => /^Failed to pull image "skiff-test\/missing:1": \S/.test(m) && !m.includes('HTTP code')),
    messages.join('\n'),
  );
  assert.ok(messages.includes('Error: ErrImagePull'), messages.join('\n'));
  await kubectl(['delete', 'pod', 'nope', '--wait=false']);
});

test('the projected service-account token in a pod is accepted by the API server', { skip, timeout: 60_000 }, async () => {
  assert.equal((await kubectl(['run', 'sa', `--image=${BUSYBOX_IMAGE}`, '--', 'sleep', '3600'])).code, 0);
  await waitFor('sa Running', async () => (await podJSON('sa')).status?.phase === 'Running');
  const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
  const token = (await kubectl(['exec', 'sa', '--', 'cat', `${dir}/token`])).stdout.trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal((await kubectl(['exec', 'sa', '--', 'cat', `${dir}/namespace`])).stdout.trim(), 'default');
  assert.match((await kubectl(['exec', 'sa', '--', 'cat', `${dir}/ca.crt`])).stdout, /BEGIN CERTIFICATE/);
  const who = await kubectl(['--token', token, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
  assert.equal(who.stdout.trim(), 'system:serviceaccount:default:default', who.stderr);
  await kubectl(['delete', 'pod', 'sa', '--wait=false']);
});

test('cluster cleanup removes every container and the network', { skip, timeout: 60_000 }, async () => {
  assert.equal((await kubectl(['run', 'left', `--image=${BUSYBOX_IMAGE}`, '--', 'sleep', '3600'])).code, 0);
  await waitFor('left Running', async () => (await podJSON('left')).status?.phase === 'Running');
  assert.ok((await sh(['network', 'ls', '--filter', `label=${label}`, '-q'])).trim(), 'cluster network exists');
  await cp.stop();
  await removeClusterResources(new Docker(), cluster);
  assert.equal((await sh(['ps', '-aq', '--filter', `label=${label}`])).trim(), '');
  assert.equal((await sh(['network', 'ls', '--filter', `label=${label}`, '-q'])).trim(), '');
});
