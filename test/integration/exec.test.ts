// kubectl exec (WebSocket v5 for 1.30+, SPDY/3.1 v4 for 1.27–1.29) and client-node Exec against
// the API server, with a fake node whose exec runs the command as a local process.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import type { ExecOptions, ExecSession, NodeStreams } from '../../engine/client/node-streams';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { kubectlPath, run } from './harness';

let f: ApiFixture;
let kubeconfig: string;
const calls: Array<{ container: string; opts: ExecOptions }> = [];
const resizes: Array<[number, number]> = [];

function localExec(container: string, opts: ExecOptions): ExecSession {
  calls.push({ container, opts });
  const child = spawn(opts.command[0], opts.command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  if (!opts.stdin) child.stdin.end();
  const exitCode = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 137)));
  return {
    stdin: opts.stdin ? child.stdin : undefined,
    stdout: child.stdout,
    stderr: opts.tty ? undefined : child.stderr,
    resize: (w, h) => void resizes.push([w, h]),
    exitCode,
    close: () => void child.kill('SIGKILL'),
  };
}

const fake: NodeStreams = {
  logs: async () => new PassThrough(),
  exec: async (_pod, container, opts) => localExec(container, opts),
  attach: async (_pod, container, opts) => localExec(container, { ...opts, command: ['cat'] }),
  portForward: async () => {
    throw new Error('no port-forward in this test');
  },
};

before(async () => {
  f = await startApiFixture();
  f.server.core.nodeStreams.set('node-x', fake);
  kubeconfig = join(f.dir, 'kubeconfig');
  writeFileSync(kubeconfig, f.kubeconfigYaml);
  mkdirSync(join(f.dir, 'home'), { recursive: true });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(f.kubeconfigYaml);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pod = (name: string, containers: string[], nodeName?: string) => ({
    metadata: { name },
    spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'busybox', stdin: true })) },
  });
  await core.createNamespacedPod({ namespace: 'default', body: pod('p1', ['main'], 'node-x') });
  await core.createNamespacedPod({ namespace: 'default', body: pod('p2', ['a', 'b'], 'node-x') });
  await core.createNamespacedPod({ namespace: 'default', body: pod('unbound', ['main']) });
});
after(async () => {
  await f?.close();
});

const kubectl = (version: string, args: string[], input?: string) =>
  run(kubectlPath(version), ['--kubeconfig', kubeconfig, ...args], { input, env: { HOME: join(f.dir, 'home') }, timeoutMs: 30_000 });

for (const version of ['1.27', '1.29', '1.30', '1.33']) {
  describe(`kubectl ${version} exec`, () => {
    test('prints output and exits with the command exit code', async () => {
      const r = await kubectl(version, ['exec', 'p1', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
      assert.equal(r.stdout, 'hi\n', r.stderr);
      assert.match(r.stderr, /oops/);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(calls.at(-1)!.container, 'main');
    });
    test('success exits 0', async () => {
      const r = await kubectl(version, ['exec', 'p1', '--', 'true']);
      assert.equal(r.code, 0, r.stderr);
    });
    test('pipes stdin with -i', async () => {
      const r = await kubectl(version, ['exec', '-i', 'p1', '--', 'sh', '-c', 'cat; echo done'], 'data\nmore\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'data\nmore\ndone\n');
    });
    test('-c picks the container among several', async () => {
      const r = await kubectl(version, ['exec', 'p2', '-c', 'b', '--', 'echo', 'x']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(calls.at(-1)!.container, 'b');
    });
    test('-it through a terminal asks for a TTY and sends the terminal size', async () => {
      // `script` gives kubectl a pseudo-terminal, as a user's shell would.
      const before = resizes.length;
      const cmd = `stty cols 100 rows 40; ${kubectlPath(version)} --kubeconfig ${kubeconfig} exec -it p1 -- sh -c 'read x; echo got-$x'`;
      const r = await run('script', ['-qec', cmd, '/dev/null'], { input: 'v\n', env: { HOME: join(f.dir, 'home') }, timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /got-v/);
      assert.equal(calls.at(-1)!.opts.tty, true);
      assert.equal(calls.at(-1)!.opts.stderr, false);
      assert.deepEqual(resizes.slice(before)[0], [100, 40]);
    });
  });
}

test('exec into a pod without a node is a 400 before upgrading', async () => {
  const r = await kubectl('1.33', ['exec', 'unbound', '--', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /does not have a host assigned/);
});

test('unknown container is refused', async () => {
  const r = await kubectl('1.33', ['exec', 'p1', '-c', 'nope', '--', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /container nope is not valid/);
});

test('client-node Exec gets output and the exit status', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(f.kubeconfigYaml);
  const exec = new k8s.Exec(kc);
  let out = '';
  const stdout = new Writable({
    write(c, _e, cb) {
      out += c;
      cb();
    },
  });
  const status = await new Promise<k8s.V1Status>((resolve, reject) => {
    exec
      .exec('default', 'p1', 'main', ['sh', '-c', 'echo from-client; exit 2'], stdout, null, null, false, (s) => resolve(s))
      .catch(reject);
  });
  assert.equal(out, 'from-client\n');
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.equal(status.details?.causes?.[0]?.message, '2');
});

/** A raw channel WebSocket, to check each protocol version's framing. */
async function rawExec(protocol: string, query: string, send: (ws: WebSocket) => void = () => {}) {
  const ws = new WebSocket(`${f.server.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/p1/exec?${query}`, protocol, {
    headers: { Authorization: `Bearer ${f.pki.adminToken}` },
    ca: f.pki.caCert,
  });
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(d));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  assert.equal(ws.protocol, protocol);
  send(ws);
  const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
  const on = (ch: number) => Buffer.concat(frames.filter((b) => b[0] === ch).map((b) => b.subarray(1))).toString();
  return { code, on };
}

test('v4 channels: stdout on 1, Status JSON on 3, close 1000', async () => {
  const r = await rawExec('v4.channel.k8s.io', 'command=sh&command=-c&command=echo%20four%3B%20exit%205&stdout=true&stderr=true');
  assert.equal(r.code, 1000);
  assert.equal(r.on(1), 'four\n');
  const status = JSON.parse(r.on(3));
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.equal(status.details.causes[0].message, '5');
});

test('v5 channels: [255,0] closes stdin', async () => {
  const r = await rawExec('v5.channel.k8s.io', 'command=cat&stdin=true&stdout=true', (ws) => {
    ws.send(Buffer.from('\x00abc'));
    ws.send(Buffer.from([255, 0]));
  });
  assert.equal(r.on(1), 'abc');
  assert.deepEqual(JSON.parse(r.on(3)), { metadata: {}, status: 'Success' });
});

test('kubectl attach -i reaches the node attach with stdin', async () => {
  const r = await kubectl('1.33', ['attach', '-i', 'p1'], 'attached\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /attached/);
  assert.deepEqual(calls.at(-1)!.opts.command, ['cat']);
});
