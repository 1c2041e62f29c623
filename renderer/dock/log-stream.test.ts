import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sClient } from '../k8s/client';
import { K8sError } from '../k8s/errors';
import { logQuery, startLogStream } from './log-stream';
import type { LogLine } from './log-buffer';

const body = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(text));
      c.close();
    },
  });

test('log queries: follow with timestamps and tail; resume by time; previous without follow', () => {
  assert.deepEqual(logQuery({ container: 'c' }), {
    follow: 'true',
    timestamps: 'true',
    container: 'c',
    previous: undefined,
    tailLines: '500',
    sinceTime: undefined,
  });
  const q = logQuery({ sinceTime: '2024-05-01T10:00:01.5Z' });
  assert.equal(q.sinceTime, '2024-05-01T10:00:01Z');
  assert.equal(q.tailLines, undefined);
  assert.equal(logQuery({ previous: true }).follow, undefined);
});

test('reconnects after the stream ends while the pod exists, without repeating lines; stops when it is deleted', async () => {
  const opened: Array<Record<string, string | undefined>> = [];
  let podGets = 0;
  const client = {
    profile: 'p',
    base: '',
    url: (p: string) => p,
    async getJson() {
      podGets++;
      if (podGets >= 2) throw new K8sError('gone', 404, 'NotFound', '');
      return {};
    },
    async send() {
      throw new Error('unused');
    },
    async open(_p: string, o: any) {
      opened.push(o.query);
      if (opened.length === 1) return new Response(body('2024-05-01T10:00:00Z tick 0\n2024-05-01T10:00:01Z tick 1\n'));
      return new Response(body('2024-05-01T10:00:01Z tick 1\n2024-05-01T10:00:02Z tick 2\n'));
    },
  } as unknown as K8sClient;
  const lines: LogLine[] = [];
  let done!: () => void;
  const ended = new Promise<void>((r) => (done = r));
  startLogStream({
    client,
    namespace: 'd',
    pod: 'web',
    schedule: (cb) => queueMicrotask(cb),
    sleep: async () => {},
    onLines: (ls) => {
      lines.push(...ls);
      if (ls.some((l) => l.sys && /deleted/.test(l.text))) done();
    },
  });
  await ended;
  assert.deepEqual(
    lines.filter((l) => !l.sys).map((l) => l.text),
    ['tick 0', 'tick 1', 'tick 2'],
  );
  assert.equal(opened[1].sinceTime, '2024-05-01T10:00:01Z');
  assert.ok(lines.some((l) => l.sys && /reconnecting/.test(l.text)));
});

test('without a connection slot the log is polled (no follow), resuming by time', async () => {
  const { createStreamSlots } = await import('../k8s/stream-slots');
  const opened: Array<Record<string, string | undefined>> = [];
  const client = {
    profile: 'p',
    base: '',
    url: (p: string) => p,
    async getJson() {
      return {};
    },
    async send() {
      throw new Error('unused');
    },
    async open(_p: string, o: any) {
      opened.push(o.query);
      return new Response(body(opened.length === 1 ? '2024-05-01T10:00:00Z a\n' : '2024-05-01T10:00:00Z a\n2024-05-01T10:00:03Z b\n'));
    },
  } as unknown as K8sClient;
  const lines: LogLine[] = [];
  let done!: () => void;
  const got = new Promise<void>((r) => (done = r));
  const s = startLogStream({
    client,
    namespace: 'd',
    pod: 'web',
    slots: createStreamSlots(0),
    schedule: (cb) => queueMicrotask(cb),
    sleep: async () => {},
    onLines: (ls) => {
      lines.push(...ls);
      if (lines.some((l) => l.text === 'b')) done();
    },
  });
  await got;
  s.stop();
  assert.equal(opened[0].follow, undefined);
  assert.equal(opened[1].sinceTime, '2024-05-01T10:00:00Z');
  assert.deepEqual(
    lines.filter((l) => !l.sys).map((l) => l.text),
    ['a', 'b'],
  );
});
