import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startListWatch } from './list-watch';
import type { K8sClient } from './client';
import { K8sError } from './errors';
import type { Row, RowEvent } from './table-model';

const columns = [
  { name: 'Name', type: 'string', format: 'name' },
  { name: 'Status', type: 'string' },
];
const rawRow = (name: string, status: string) => ({ cells: [name, status], object: { metadata: { name, namespace: 'd', uid: name } } });

function streamOf(lines: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const l of lines) c.enqueue(enc.encode(l));
      c.close();
    },
  });
}

test('pages paint as they come, watch events arrive batched, 410 relists', async () => {
  const queries: Array<Record<string, string | undefined>> = [];
  let lists = 0;
  let watches = 0;
  const client: K8sClient = {
    profile: 'p',
    base: '/k8s/p',
    url: (p) => p,
    async getJson<T>(_p: string, o: any): Promise<T> {
      queries.push(o.query);
      lists++;
      if (lists === 1)
        return {
          kind: 'Table',
          columnDefinitions: columns,
          metadata: { resourceVersion: '10', continue: 'c1' },
          rows: [rawRow('a', 'Pending')],
        } as T;
      if (lists === 2) return { kind: 'Table', columnDefinitions: columns, metadata: {}, rows: [rawRow('b', 'Pending')] } as T;
      return { kind: 'Table', columnDefinitions: columns, metadata: { resourceVersion: '50' }, rows: [rawRow('a', 'Running')] } as T;
    },
    async send() {
      throw new Error('unused');
    },
    async open(_p, o: any) {
      queries.push(o.query);
      watches++;
      if (watches === 1) {
        return new Response(
          streamOf([
            JSON.stringify({ type: 'MODIFIED', object: { kind: 'Table', rows: [rawRow('a', 'Running')] } }) + '\n{"type":"BOOK',
            'MARK","object":{"metadata":{"resourceVersion":"12"}}}\n',
            JSON.stringify({ type: 'ADDED', object: { kind: 'Table', rows: [rawRow('c', 'Pending')] } }) + '\n',
            JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } }) + '\n',
          ]),
        );
      }
      return new Promise<Response>(() => {}); // second watch stays open
    },
  };
  const resets: Row[][] = [];
  const pages: Row[][] = [];
  const batches: RowEvent[][] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const lw = startListWatch({
    client,
    path: '/api/v1/pods',
    labelSelector: 'app=web',
    pageSize: 1,
    nextPageSize: 7,
    schedule: (cb) => queueMicrotask(cb),
    onReset: (_c, rows) => {
      resets.push(rows);
      if (resets.length === 2) done();
    },
    onPage: (rows) => pages.push(rows),
    onEvents: (ev) => batches.push(ev),
    onError: (e) => {
      if (e) throw e;
    },
  });
  await finished;
  lw.stop();
  assert.deepEqual(
    resets[0].map((r) => r.name),
    ['a'],
  );
  assert.deepEqual(
    pages[0].map((r) => r.name),
    ['b'],
  );
  assert.equal(queries[0].limit, '1');
  assert.equal(queries[0].labelSelector, 'app=web');
  assert.equal(queries[1].continue, 'c1');
  assert.equal(queries[1].limit, '7');
  assert.equal(queries[2].watch, '1');
  assert.equal(queries[2].resourceVersion, '10');
  assert.equal(queries[2].allowWatchBookmarks, 'true');
  const events = batches.flat();
  assert.deepEqual(
    events.map((e) => `${e.type}:${e.row.name}:${e.row.cells[1]}`),
    ['MODIFIED:a:Running', 'ADDED:c:Pending'],
  );
  assert.deepEqual(
    resets[1].map((r) => r.cells[1]),
    ['Running'],
    'relist after 410 replaces the rows',
  );
});

test('errors are reported and retried with back-off', async () => {
  let calls = 0;
  const errors: Array<Error | null> = [];
  const sleeps: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const client = {
    profile: 'p',
    base: '',
    url: (p: string) => p,
    async getJson() {
      calls++;
      if (calls < 3) throw new K8sError('down', 503, 'ServiceUnavailable', 'start it');
      done();
      return { kind: 'Table', rows: [], metadata: { resourceVersion: '1' } };
    },
    async send() {
      throw new Error('unused');
    },
    open: () => new Promise<Response>(() => {}),
  } as unknown as K8sClient;
  const lw = startListWatch({
    client,
    path: '/api/v1/pods',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onReset() {},
    onPage() {},
    onEvents() {},
    onError: (e) => errors.push(e),
  });
  await finished;
  await new Promise((r) => setTimeout(r, 10));
  lw.stop();
  assert.equal(errors.filter(Boolean).length, 2);
  assert.equal(errors.at(-1), null, 'cleared after success');
  assert.deepEqual(sleeps, [1000, 2000]);
});

test('without a free connection slot the list is polled instead of watched', async () => {
  let lists = 0;
  let opened = 0;
  const client = {
    profile: 'p',
    base: '',
    url: (p: string) => p,
    async getJson() {
      lists++;
      return { kind: 'Table', rows: [], metadata: { resourceVersion: String(lists) } };
    },
    async send() {
      throw new Error('unused');
    },
    open() {
      opened++;
      return new Promise<Response>(() => {});
    },
  } as unknown as K8sClient;
  const { createStreamSlots } = await import('./stream-slots');
  const slots = createStreamSlots(0);
  const sleeps: number[] = [];
  let resets = 0;
  let done!: () => void;
  const enough = new Promise<void>((r) => (done = r));
  const lw = startListWatch({
    client,
    path: '/api/v1/namespaces',
    slots,
    pollMs: 1234,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onReset() {
      if (++resets === 3) done();
    },
    onPage() {},
    onEvents() {},
    onError() {},
  });
  await enough;
  lw.stop();
  assert.equal(opened, 0);
  assert.ok(lists >= 3);
  assert.equal(sleeps[0], 1234);
});

void test('a background watch gives its slot to a foreground stream, polls meanwhile, and watches again once a slot is free', async () => {
  const { createStreamSlots } = await import('./stream-slots');
  const slots = createStreamSlots(1);
  const watchSignals: AbortSignal[] = [];
  const sleeps: number[] = [];
  const errors: Error[] = [];
  let lists = 0;
  const client = {
    profile: 'p',
    base: '',
    url: (p: string) => p,
    getJson() {
      lists++;
      return Promise.resolve({ kind: 'Table', rows: [], metadata: { resourceVersion: String(lists) } });
    },
    send() {
      return Promise.reject(new Error('unused'));
    },
    // A watch that stays open until its request is aborted, as fetch does.
    open(_p: string, o: { signal: AbortSignal }) {
      watchSignals.push(o.signal);
      return new Promise<Response>((_r, reject) =>
        o.signal.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError'))),
      );
    },
  } as unknown as K8sClient;
  const until = async (what: string, cond: () => boolean) => {
    for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond(), what);
  };
  const lw = startListWatch({
    client,
    path: '/api/v1/pods',
    slots,
    priority: 'background',
    pollMs: 777,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((r) => setTimeout(r, 2));
    },
    onReset() {},
    onPage() {},
    onEvents() {},
    onError: (e) => void (e && errors.push(e)),
  });
  await until('the first watch open', () => watchSignals.length === 1);
  assert.equal(slots.inUse(), 1);

  const log = slots.tryAcquire({ priority: 'foreground' });
  assert.ok(log, 'the foreground stream got the only slot');
  assert.equal(watchSignals[0].aborted, true, 'the background watch was stopped at once');
  const listsAtRevoke = lists;
  await until('polling instead of watching', () => sleeps.filter((ms) => ms === 777).length >= 2);
  assert.ok(lists > listsAtRevoke + 1, 'the list is re-read while it polls');
  assert.equal(watchSignals.length, 1, 'no watch while the slot is taken');

  log();
  await until('a watch again once the slot is free', () => watchSignals.length === 2);
  assert.equal(slots.inUse(), 1);
  lw.stop();
  await until('the slot given back on stop', () => slots.inUse() === 0);
  assert.deepEqual(errors, [], 'giving way is not an error');
});
