/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- kubectl's JSON, read as a user's script would */
// Issue 15 acceptance on one machine: a second "machine" (a network namespace with its own
// dockerd, test/multihost/testing/netns-host.ts) joins a cluster advertised on the veth address
// with the command `skiff token create --print-join-command` prints; its node turns Ready with
// the namespace Docker's real capacity, runs a pod in that Docker, and `kubectl logs/exec` reach
// it from the first machine through the node agent's endpoint (and port-forward). Wrong CA hash, expired and
// deleted tokens and an unreachable address are refused with one line each; the joined node's
// certificate cannot read a Secret of another node's pod.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { kubectlPath, spawnCollect } from '../integration/harness';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetnsHost, netnsSkip, sh, type NetnsHost } from './testing/netns-host';
import { startSkiffProcess, type SkiffProcess } from '../testing/skiff-process';
import { ensureTestImages, BUSYBOX_IMAGE, PAUSE_IMAGE } from '../docker/images';
import { createHttpClient } from '../../engine/client/http-client';
import { R } from '../../engine/client/types';
import { readNodeCredentials } from '../../engine/pki/node-credentials';
import { isAlive } from '../../engine/cluster/pid-file';
import { waitFor } from '../wait-for';

const root = new URL('../..', import.meta.url).pathname;
const skip = await netnsSkip();

describe('skiff join from another machine (network namespace + its own dockerd)', { skip }, () => {
  let host: NetnsHost | undefined;
  let cp: SkiffProcess | undefined;
  let agent: ChildProcess | undefined;
  let dir: string;
  let joinCmd: string[];
  let agentOut = '';
  const skiff = (args: string[]) =>
    sh(process.execPath, [join(root, 'bin/skiff.mjs'), ...args, '--name', 'mh', '--data-dir', join(dir, 'data')]);
  /** `skiff join ...` inside the namespace, against that machine's own Docker and home. */
  const joinInNs = (args: string[]) =>
    host!.spawn(process.execPath, [join(root, 'bin/skiff.mjs'), ...args], {
      DOCKER_HOST: host!.dockerHost,
      SKIFF_HOME: join(dir, 'b'),
      SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE,
    });
  const joinFails = (args: string[]) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = joinInNs(args);
      let err = '';
      p.stderr!.on('data', (d) => (err += d));
      p.on('exit', (code) => resolve({ code, err: err.trim() }));
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-mh-'));
    host = await createNetnsHost('b');
    await ensureTestImages(host.dockerHost);
    cp = await startSkiffProcess({
      name: 'mh',
      dir,
      nodeRuntime: 'simulated',
      args: ['--nodes', '1', '--advertise-address', host.hostAddress, '--no-switch-context'],
    });
    const r = await skiff(['token', 'create', '--print-join-command']);
    assert.equal(r.code, 0, r.stderr);
    joinCmd = r.stdout.trim().split(/\s+/).slice(1);
  });

  after(async () => {
    agent?.kill('SIGTERM');
    await cp?.kill();
    await host?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the start says loudly that the API server listens beyond loopback; the join command names that address', () => {
    assert.match(
      cp!.output(),
      new RegExp(`WARNING: the API server also listens on https://${host!.hostAddress.replace(/\./g, '\\.')}:\\d+`),
    );
    assert.equal(joinCmd[0], 'join');
    assert.match(joinCmd[1], new RegExp(`^https://${host!.hostAddress.replace(/\./g, '\\.')}:\\d+$`));
  });

  it('wrong CA hash, expired token, deleted token and an unreachable address are refused with one line each', async () => {
    const hashAt = joinCmd.indexOf('--discovery-token-ca-cert-hash') + 1;
    const wrongHash = [...joinCmd];
    wrongHash[hashAt] = 'sha256:' + '1'.repeat(64);
    const wrong = await joinFails([...wrongHash, '--name', 'bad-1']);
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.err,
      /^skiff: the cluster's CA does not match --discovery-token-ca-cert-hash \(it is sha256:[0-9a-f]{64}\); refusing to join/,
    );
    assert.equal(wrong.err.split('\n').length, 1);

    const expiring = (await skiff(['token', 'create', '--ttl', '1s'])).stdout.trim();
    await new Promise((r) => setTimeout(r, 1500));
    const withToken = (t: string) => joinCmd.map((a, i) => (joinCmd[i - 1] === '--token' ? t : a));
    const expired = await joinFails([...withToken(expiring), '--name', 'bad-2']);
    assert.match(
      expired.err,
      new RegExp(
        `^skiff: token "${expiring.split('.')[0]}" is unknown to the cluster at .* or has expired; make a new one there with: skiff token create --print-join-command$`,
      ),
    );

    const doomed = (await skiff(['token', 'create'])).stdout.trim();
    assert.match((await skiff(['token', 'delete', doomed.split('.')[0]])).stdout, /deleted/);
    const deleted = await joinFails([...withToken(doomed), '--name', 'bad-3']);
    assert.match(deleted.err, new RegExp(`^skiff: token "${doomed.split('.')[0]}" is unknown to the cluster`));

    const nowhere = joinCmd.map((a) => a.replace(host!.hostAddress, host!.hostAddress.replace(/\.1$/, '.9')));
    const unreachable = await joinFails([...nowhere, '--name', 'bad-4']);
    assert.match(unreachable.err, /^skiff: cannot reach 10\.250\.\d+\.9:\d+ \(E[A-Z]+\); check the address/);
    // None of them left a node or a certificate request behind.
    assert.doesNotMatch((await cp!.kubectl(['get', 'nodes'])).stdout, /bad-/);
  });

  it("the joined node turns Ready with its machine's capacity, runs a pod in its own Docker, and logs/exec reach it", async () => {
    agent = joinInNs([...joinCmd, '--name', 'mh-b', '--labels', 'site=b']);
    agent.stdout!.on('data', (d) => (agentOut += d));
    agent.stderr!.on('data', (d) => (agentOut += d));
    await waitFor(
      'the joined node Ready',
      () => {
        if (agent!.exitCode !== null) throw new Error(`join exited ${agent!.exitCode}: ${agentOut}`);
        return Promise.resolve(/Node "mh-b" joined .* and is Ready/.test(agentOut));
      },
      60_000,
    );
    const node = await cp!.json(['get', 'node', 'mh-b']);
    const ready = node.status.conditions.find((c: { type: string }) => c.type === 'Ready');
    assert.equal(ready.status, 'True');
    assert.equal(node.metadata.labels.site, 'b');
    assert.equal(node.status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address, host!.address);
    const listed = await skiff(['node', 'list']);
    assert.match(listed.stdout, new RegExp(`mh-b\\s+Ready\\s+joined\\s+no\\s+${host!.address.replace(/\./g, '\\.')}`));
    assert.match(listed.stdout, /mh-node-1\s+Ready\s+simulated\s+no\s+this machine/);
    const ncpu = (await sh('docker', ['-H', host!.dockerHost, 'info', '--format', '{{.NCPU}}'])).stdout.trim();
    assert.equal(String(node.status.capacity.cpu), ncpu);

    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'on-b', namespace: 'default' },
      spec: {
        nodeSelector: { site: 'b' },
        containers: [
          {
            name: 'app',
            image: BUSYBOX_IMAGE,
            imagePullPolicy: 'Never',
            // 24 MB held in /dev/shm (charged to the pod's memory): something for kubectl top to show.
            command: [
              'sh',
              '-c',
              'head -c 24000000 /dev/zero > /dev/shm/fill; echo hello-from-b; while true; do echo pong-from-b | nc -l -p 7000; done',
            ],
          },
        ],
      },
    };
    const applied = await cp!.kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    assert.equal(applied.code, 0, applied.stderr);
    await waitFor(
      'the pod Running on mh-b',
      async () => {
        const p = await cp!.json(['get', 'pod', 'on-b']);
        return p.spec?.nodeName === 'mh-b' && p.status?.phase === 'Running';
      },
      60_000,
    );
    const inNs = (await sh('docker', ['-H', host!.dockerHost, 'ps', '--format', '{{.Names}}'])).stdout;
    assert.match(inNs, /on-b/);
    const onHost = (await sh('docker', ['ps', '--format', '{{.Names}}'])).stdout;
    assert.doesNotMatch(onHost, /_on-b_|on-b.*mh-b/);

    const logs = await waitFor(
      'logs through the node agent',
      async () => {
        const r = await cp!.kubectl(['logs', 'on-b']);
        return r.code === 0 && r.stdout.includes('hello-from-b') ? r.stdout : undefined;
      },
      15_000,
    );
    assert.match(logs, /hello-from-b/);
    const exec = await cp!.kubectl(['exec', 'on-b', '--', 'sh', '-c', 'echo exec-on-$(hostname); exit 3']);
    assert.equal(exec.code, 3, exec.stderr);
    assert.match(exec.stdout, /exec-on-on-b/);

    // port-forward: kubectl → API server → node agent → the pod's port on the other machine.
    const pf = spawnCollect(kubectlPath(), ['port-forward', 'pod/on-b', ':7000'], { HOME: dir, KUBECONFIG: join(dir, 'kc') });
    try {
      await pf.waitFor(/Forwarding from 127\.0\.0\.1:\d+/, 15_000);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(pf.output())![1]);
      const got = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port });
        let data = '';
        s.on('data', (d) => (data += String(d)));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      });
      assert.match(got, /pong-from-b/);
    } finally {
      pf.stop();
    }
  });

  it("kubectl top shows the pod on B and B's node, measured by B's Docker", async () => {
    // The API server scrapes the node agent's usage (GET /metrics/usage on its mutual-TLS endpoint).
    const row = await waitFor(
      'a metrics row for on-b',
      async () => {
        const r = await cp!.kubectl(['top', 'pod', 'on-b', '--no-headers']);
        return r.code === 0 ? /^on-b\s+(\d+)m\s+(\d+)Mi\s*$/m.exec(r.stdout) : undefined;
      },
      45_000,
      1000,
    );
    assert.ok(Number(row[2]) >= 20, `the 24 MB the pod holds (saw ${row[2]}Mi)`);
    const nodes = await cp!.kubectl(['top', 'node', 'mh-b', '--no-headers']);
    assert.match(nodes.stdout, /^mh-b\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m, nodes.stdout + nodes.stderr);
  });

  it("the joined node's certificate cannot read a Secret of another node's pod (403)", async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'host-only', namespace: 'default' }, stringData: { k: 'v' } };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'on-a', namespace: 'default' },
      spec: {
        nodeName: 'mh-node-1',
        containers: [{ name: 'c', image: BUSYBOX_IMAGE, volumeMounts: [{ name: 's', mountPath: '/s' }] }],
        volumes: [{ name: 's', secret: { secretName: 'host-only' } }],
      },
    };
    for (const o of [secret, pod]) assert.equal((await cp!.kubectl(['apply', '-f', '-'], JSON.stringify(o))).code, 0);
    const nodeDir = join(dir, 'b', 'node');
    const asNode = createHttpClient({
      server: joinCmd[1],
      ca: readFileSync(join(nodeDir, 'ca.crt'), 'utf8'),
      ...readNodeCredentials(nodeDir),
    });
    await assert.rejects(asNode.get(R.secrets, 'default', 'host-only'), (e: { code: number; message: string }) => {
      assert.equal(e.code, 403);
      assert.match(e.message, /User "system:node:mh-b" cannot get resource "secrets"/);
      return true;
    });
    asNode.close();
  });
  it('skiff leave on the joined machine stops its agent, deletes its Node and its pods, removes its containers and network', async () => {
    const networks = () => sh('docker', ['-H', host!.dockerHost, 'network', 'ls', '--format', '{{.Name}}']);
    assert.match((await networks()).stdout, /joined-mh-b/); // the pods' network on that machine
    const left = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = joinInNs(['leave']);
      let out = '';
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(left.code, 0, left.out);
    assert.match(left.out, /left the cluster: node "mh-b" deleted, [1-9]\d* container\(s\) removed/);
    await waitFor('the agent gone', () => Promise.resolve(agent!.exitCode !== null || agent!.signalCode !== null), 15_000);
    assert.doesNotMatch((await cp!.kubectl(['get', 'nodes'])).stdout, /mh-b/);
    // Its pods are not left behind in the API either: bound to a Node that is gone, they are collected.
    await waitFor('pod on-b gone from the API', async () => (await cp!.kubectl(['get', 'pod', 'on-b'])).code !== 0, 15_000);
    assert.doesNotMatch((await sh('docker', ['-H', host!.dockerHost, 'ps', '-a', '--format', '{{.Names}}'])).stdout, /on-b/);
    assert.doesNotMatch((await networks()).stdout, /joined-mh-b/);
  });

  it('kubectl delete node of a running agent: its containers and network go, the agent says so and stops, the Node stays deleted; join again re-adds it', async () => {
    const token = (await skiff(['token', 'create'])).stdout.trim();
    const cmd = joinCmd.map((a, i) => (joinCmd[i - 1] === '--token' ? token : a));
    let out = '';
    const again = joinInNs([...cmd, '--name', 'mh-c']);
    again.stdout!.on('data', (d) => (out += d));
    again.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => again.on('exit', r));
    await waitFor('mh-c Ready', () => Promise.resolve(/Node "mh-c" joined .* and is Ready/.test(out)), 60_000);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'on-c', namespace: 'default' },
      spec: { nodeName: 'mh-c', containers: [{ name: 'app', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
    };
    assert.equal((await cp!.kubectl(['apply', '-f', '-'], JSON.stringify(pod))).code, 0);
    await waitFor('on-c Running', async () => (await cp!.json(['get', 'pod', 'on-c'])).status?.phase === 'Running', 60_000);
    const names = async () => (await sh('docker', ['-H', host!.dockerHost, 'ps', '-a', '--format', '{{.Names}}'])).stdout;
    assert.match(await names(), /on-c/);

    assert.equal((await cp!.kubectl(['delete', 'node', 'mh-c'])).code, 0);
    assert.equal(await exited, 1, out);
    assert.match(
      out,
      /node "mh-c" was deleted from the cluster \(kubectl delete node\): its agent removed the containers of its 1 pod\(s\) and this machine's pod network, and stopped/,
    );
    assert.match(out, /to add this machine back, run "skiff join" again/);
    assert.doesNotMatch(await names(), /on-c/);
    const networks = (await sh('docker', ['-H', host!.dockerHost, 'network', 'ls', '--format', '{{.Name}}'])).stdout;
    assert.doesNotMatch(networks, /joined-mh-c/);
    const events = await cp!.json(['get', 'events', '-A', '--field-selector', 'reason=NodeDeleted']);
    assert.ok(
      events.items.some((e: { involvedObject: { name: string } }) => e.involvedObject.name === 'mh-c'),
      'a NodeDeleted event on mh-c',
    );
    assert.notEqual((await cp!.kubectl(['get', 'node', 'mh-c'])).code, 0, 'not re-registered');
    await waitFor('pod on-c gone from the API', async () => (await cp!.kubectl(['get', 'pod', 'on-c'])).code !== 0, 15_000);
    // `skiff leave` still forgets the cluster (its Node is already gone).
    const left = await new Promise<number | null>((r) => joinInNs(['leave']).on('exit', r));
    assert.equal(left, 0);
  });

  it('skiff join --detach returns once the node is Ready, its agent left running with a pid file and log; skiff leave stops it', async () => {
    const token = (await skiff(['token', 'create'])).stdout.trim();
    const cmd = joinCmd.map((a, i) => (joinCmd[i - 1] === '--token' ? token : a));
    const joined = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = joinInNs([...cmd, '--name', 'mh-d', '--detach']);
      let out = '';
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(joined.code, 0, joined.out);
    assert.match(joined.out, /^Node "mh-d" joined https:\/\/\S+ and is Ready/m);
    const m = /Its agent runs in the background \(pid (\d+)\); log: (\S+); "skiff leave" stops it\./.exec(joined.out);
    assert.ok(m, joined.out);
    const pid = Number(m[1]);
    assert.equal(m[2], join(dir, 'b', 'node', 'agent.log'));
    assert.equal(readFileSync(join(dir, 'b', 'node', 'agent.pid'), 'utf8').trim(), String(pid));
    assert.ok(isAlive(pid), 'the agent runs');
    assert.match(readFileSync(m[2], 'utf8'), /✓ certificate/);
    const node = await cp!.json(['get', 'node', 'mh-d']);
    assert.equal(node.status.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'True');

    const left = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = joinInNs(['leave']);
      let out = '';
      p.stdout!.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(left.code, 0);
    assert.match(left.out, /left the cluster: node "mh-d" deleted/);
    assert.ok(!isAlive(pid), 'the agent stopped'); // a zombie under a non-reaping init counts as stopped
    assert.notEqual((await cp!.kubectl(['get', 'node', 'mh-d'])).code, 0);
  });
});
