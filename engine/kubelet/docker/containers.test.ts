import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { createContainers, type ContainersDeps } from './containers';
import { L } from '../../docker/names';

/** One app container of pod u1 whose Docker state the test sets; counts inspects. */
function fakeDocker() {
  const s = { state: 'running', startedAt: '2026-12-07T05:00:00Z', inspects: 0 };
  const labels = { [L.podUid]: 'u1', [L.container]: 'app', [L.attempt]: '0' };
  const docker = {
    getContainer: (id: string) => ({
      inspect: () => {
        s.inspects++;
        return Promise.resolve({
          Id: id,
          Image: 'sha256:1',
          Created: '2026-12-07T04:59:59Z',
          Config: { Labels: labels, Image: 'busybox' },
          State: {
            Status: s.state,
            Running: s.state === 'running',
            StartedAt: s.startedAt,
            FinishedAt: '2026-12-07T05:01:00Z',
            ExitCode: 3,
          },
        });
      },
    }),
  } as unknown as Docker;
  const list: ContainersDeps['list'] = () =>
    Promise.resolve([{ Id: 'c1', State: s.state, Labels: labels } as unknown as Docker.ContainerInfo]);
  const c = createContainers({ docker, list } as unknown as ContainersDeps);
  return { s, c };
}

void test('a running or exited container is inspected once until its state or a Docker event says it changed', async () => {
  const { s, c } = fakeDocker();
  assert.equal((await c.listContainers('u1'))[0].state, 'running');
  await c.listContainers('u1');
  assert.equal(s.inspects, 1, 'the same running container is not inspected again');
  s.state = 'exited';
  const [exited] = await c.listContainers('u1');
  assert.equal(s.inspects, 2, 'a new state in the list reads the container afresh');
  assert.equal(exited.exitCode, 3);
  await c.listContainers('u1');
  assert.equal(s.inspects, 2);
  // Restarted behind our back between two lists: only the Docker event tells.
  s.state = 'running';
  s.startedAt = '2026-12-07T05:02:00Z';
  await c.listContainers('u1');
  assert.equal(s.inspects, 3);
  s.startedAt = '2026-12-07T05:03:00Z';
  c.forget('u1');
  const [again] = await c.listContainers('u1');
  assert.equal(s.inspects, 4, 'a Docker event for the pod drops what was known of its containers');
  assert.equal(again.startedAt?.toISOString(), '2026-12-07T05:03:00.000Z');
});

void test('a created container is read afresh each time: a failed start leaves its error only in an inspect', async () => {
  const { s, c } = fakeDocker();
  s.state = 'created';
  await c.listContainers('u1');
  await c.listContainers('u1');
  assert.equal(s.inspects, 2);
});
