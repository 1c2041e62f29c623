// Port-forward's verdict per connection: a pod under repair is waited for; a pod whose sandbox has
// been up a while with no app container running fails at once, saying why (no 30 s wait).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import type { KubeObject } from '../../kinds/types';
import { L, SANDBOX, clusterLabels } from '../../docker/names';
import { createDockerPortForward } from './docker-port-forward';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { containers: [{ name: 'app', image: 'x' }] },
};
const labels = (container: string, attempt = 0) => ({
  ...clusterLabels('pf'),
  [L.podUid]: 'u1',
  [L.container]: container,
  [L.attempt]: String(attempt),
});
const sandbox = (state = 'running') =>
  ({
    Id: 'sb',
    State: state,
    Status: state === 'running' ? 'Up 10 minutes' : 'Exited (137) 3 seconds ago',
    Labels: labels(SANDBOX),
    NetworkSettings: { Networks: { n: { IPAddress: '127.0.0.1' } } },
  }) as unknown as Docker.ContainerInfo;
const app = (state: string, status: string, attempt = 0) =>
  ({ Id: `app${attempt}`, State: state, Status: status, Labels: labels('app', attempt) }) as unknown as Docker.ContainerInfo;

/** A Docker that answers each list from `states` in turn (the last one repeats); the sandbox started at `startedAt`. */
function fakeDocker(states: (Docker.ContainerInfo[] | Error)[], startedAt: Date) {
  let lists = 0;
  const docker = {
    listContainers: () => {
      const s = states[Math.min(lists++, states.length - 1)];
      return s instanceof Error ? Promise.reject(s) : Promise.resolve(s);
    },
    getContainer: () => ({ inspect: () => Promise.resolve({ State: { StartedAt: startedAt.toISOString() } }) }),
  } as unknown as Docker;
  return { docker, lists: () => lists };
}

const longAgo = new Date(Date.now() - 10 * 60_000);

void test('a pod whose app container exited fails at once, naming its state', async () => {
  const d = fakeDocker([[sandbox(), app('exited', 'Exited (1) 2 minutes ago')]], longAgo);
  const pf = createDockerPortForward({ docker: d.docker, cluster: 'pf', waitMs: 30_000 });
  await assert.rejects(
    pf(pod, 8080),
    /^Error: no container of pod "web" is running \("app" Exited \(1\) 2 minutes ago, waiting to restart \(CrashLoopBackOff\)\): nothing can answer on port 8080/,
  );
  assert.equal(d.lists(), 1, 'one look, no waiting');
});

void test('a crashed container between back-off and its next start reads as restarting, not "Created"', async () => {
  const d = fakeDocker([[sandbox(), app('created', 'Created', 3), app('exited', 'Exited (1) 20 seconds ago', 2)]], longAgo);
  const pf = createDockerPortForward({ docker: d.docker, cluster: 'pf', waitMs: 30_000 });
  await assert.rejects(pf(pod, 8080), /\("app" is being restarted \(last attempt Exited \(1\) 20 seconds ago\)\)/);
  // A finished container its restart policy leaves alone is just exited.
  const never: KubeObject = { ...pod, spec: { containers: [{ name: 'app', image: 'x' }], restartPolicy: 'OnFailure' } };
  const done = fakeDocker([[sandbox(), app('exited', 'Exited (0) 1 minute ago')]], longAgo);
  const pf2 = createDockerPortForward({ docker: done.docker, cluster: 'pf', waitMs: 30_000 });
  await assert.rejects(pf2(never, 8080), /\("app" Exited \(0\) 1 minute ago\): nothing can answer/);
});

void test('a pod whose app container was removed fails at once, saying it is gone', async () => {
  const d = fakeDocker([[sandbox()]], longAgo);
  const pf = createDockerPortForward({ docker: d.docker, cluster: 'pf', waitMs: 30_000 });
  await assert.rejects(pf(pod, 8080), /"app" is gone \(removed; the kubelet makes it again\)/);
  assert.equal(d.lists(), 1);
});

void test('a pod being repaired (sandbox down, then just started) is waited for and reached', async (t) => {
  const server = createServer((s) => s.end('hello'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const d = fakeDocker(
    [
      Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', syscall: 'connect' }),
      [sandbox('exited'), app('exited', 'Exited (137) 3 seconds ago')],
      [sandbox(), app('exited', 'Exited (137) 3 seconds ago')],
      [sandbox(), app('running', 'Up 1 second', 1)],
    ],
    new Date(),
  );
  const pf = createDockerPortForward({ docker: d.docker, cluster: 'pf', waitMs: 30_000 });
  const conn = await pf(pod, port);
  const got = await new Promise<string>((resolve) => {
    let text = '';
    conn.on('data', (b: Buffer) => (text += b.toString()));
    conn.on('end', () => resolve(text));
  });
  assert.equal(got, 'hello');
  assert.equal(d.lists(), 4, 'it waited through Docker away, the sandbox down and the app starting');
});

void test('Docker away past the bound: its connect error comes back (the streams wrapper words it)', async () => {
  const down = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', syscall: 'connect' });
  const d = fakeDocker([down], longAgo);
  const pf = createDockerPortForward({ docker: d.docker, cluster: 'pf', waitMs: 600 });
  await assert.rejects(pf(pod, 8080), (e) => e === down);
  assert.ok(d.lists() > 1, 'it waited for Docker first');
});
