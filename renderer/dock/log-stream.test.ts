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

test('a stream that drops mid-line resumes at the last line with no repeat and no gap', async () => {
  const opened: Array<Record<string, string | undefined>> = [];
  const enc = new TextEncoder();
  let pulls = 0;
  const client = {
    profile: 'p',
    base: '',
    url: (p: string) => p,
    getJson: () => Promise.resolve({}),
    send: () => Promise.reject(new Error('unused')),
    open(_p: string, o: { query: Record<string, string | undefined> }) {
      opened.push(o.query);
      if (opened.length === 1)
        return Promise.resolve(
          new Response(
            new ReadableStream<Uint8Array>({
              pull(c) {
                // The first read gets two lines and half of n3, written at the same instant as n2 (runtimes
                // with coarse clocks do that); the next read finds the connection broken.
                if (pulls++ === 0)
                  c.enqueue(enc.encode('2024-05-01T10:00:00.5Z n1\n2024-05-01T10:00:01.25Z n2\n2024-05-01T10:00:01.25Z n'));
                else c.error(new TypeError('network error'));
              },
            }),
          ),
        );
      // The resume reads the whole second again.
      return Promise.resolve(
        new Response(body('2024-05-01T10:00:01.25Z n2\n2024-05-01T10:00:01.25Z n3\n2024-05-01T10:00:02Z n4\n2024-05-01T10:00:02.5Z n5\n')),
      );
    },
  } as unknown as K8sClient;
  const lines: LogLine[] = [];
  let done!: () => void;
  const got = new Promise<void>((r) => (done = r));
  const s = startLogStream({
    client,
    namespace: 'd',
    pod: 'web',
    schedule: (cb) => queueMicrotask(cb),
    sleep: () => Promise.resolve(),
    onLines: (ls) => {
      lines.push(...ls);
      if (lines.some((l) => l.text === 'n5')) done();
    },
  });
  await got;
  s.stop();
  assert.deepEqual(
    lines.filter((l) => !l.sys).map((l) => l.text),
    ['n1', 'n2', 'n3', 'n4', 'n5'],
  );
  assert.equal(opened[0].tailLines, '500');
  assert.equal(opened[1].sinceTime, '2024-05-01T10:00:01Z');
  assert.equal(opened[1].tailLines, undefined);
  assert.ok(
    lines.some((l) => l.sys && /network error/.test(l.text)),
    'the drop is said in the log',
  );
});

test('the since choice: a time window by seconds, everything without a tail', () => {
  const q = logQuery({ sinceSeconds: 300 });
  assert.equal(q.sinceSeconds, '300');
  assert.equal(q.tailLines, undefined);
  assert.equal(logQuery({ tailLines: null }).tailLines, undefined);
  assert.equal(logQuery({ tailLines: 100 }).tailLines, '100');
  // A resume reads from its own time, never both sinceTime and sinceSeconds (the API refuses that).
  const r = logQuery({ sinceSeconds: 300, sinceTime: '2024-05-01T10:00:01.5Z' });
  assert.equal(r.sinceSeconds, undefined);
  assert.equal(r.sinceTime, '2024-05-01T10:00:01Z');
});
