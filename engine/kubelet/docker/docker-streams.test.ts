// Docker going away in the middle of a followed log (a restart that cuts the connection before
// the container's exit ends it): the log ends like a stopped container's, and nothing throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { KubeObject } from '../../kinds/types';
import { createDockerStreams } from './docker-streams';
import { L } from '../../docker/names';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

void test('a followed log whose Docker connection is cut ends cleanly, with what came before', async () => {
  const real = new Docker({ socketPath: '/nonexistent/docker.sock' });
  const raw = new PassThrough();
  const docker = {
    modem: real.modem,
    listContainers: () =>
      Promise.resolve([{ Id: 'c1', Labels: { [L.podUid]: 'u1', [L.container]: 'app', [L.attempt]: '0', [L.cluster]: 'k' } }]),
    getContainer: () => ({
      inspect: () => Promise.resolve({ Config: { Tty: false } }),
      logs: () => Promise.resolve(raw),
    }),
  } as unknown as Docker;
  const uncaught: Error[] = [];
  const onUncaught = (e: Error) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const streams = createDockerStreams({ docker, cluster: 'k', node: 'n1' });
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' } } as KubeObject;
    const out = await streams.logs(pod, 'app', { follow: true });
    const chunks: Buffer[] = [];
    out.on('data', (b: Buffer) => chunks.push(b));
    const ended = new Promise((r) => out.on('end', r));
    raw.write(frame(1, 'one\n'));
    raw.write(frame(2, 'two\n'));
    await new Promise((r) => setImmediate(r));
    raw.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    await ended;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(Buffer.concat(chunks).toString(), 'one\ntwo\n');
    assert.deepEqual(uncaught, [], 'no uncaught error');
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
