import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLoadTrigger, namedAssets, type LoadTriggerOptions } from './load-trigger';

const html =
  '<link rel="stylesheet" href="/assets/app-1.css"><script type="module" src="/assets/app-2.js"></script><link rel="modulepreload" href="/assets/chunk-3.js">';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function harness(opts: Partial<LoadTriggerOptions> = {}) {
  let loads = 0;
  const t = createLoadTrigger({
    load: () => void loads++,
    pageAssets: () => namedAssets(html),
    idleMs: 60_000,
    quietMs: 60_000,
    fallbackMs: 60_000,
    ...opts,
  });
  /** A request seen; the returned function ends its response. */
  const request = (url: string, finished = true) => {
    const res = Object.assign(new EventEmitter(), { writableFinished: false });
    t.observe({ url } as IncomingMessage, res as unknown as ServerResponse);
    return () => {
      res.writableFinished = finished;
      res.emit('close');
    };
  };
  return { t, request, loads: () => loads };
}

test('namedAssets reads the files a page links', () => {
  assert.deepEqual(namedAssets(html), ['/assets/app-1.css', '/assets/app-2.js', '/assets/chunk-3.js']);
  assert.deepEqual(namedAssets('<a href="/other">x</a><img src="/assets/x.png?v=1">'), ['/assets/x.png']);
});

test('the load starts the moment every file the page names has been sent, not before', () => {
  const h = harness();
  h.t.listening();
  h.request('/')();
  const css = h.request('/assets/app-1.css');
  const js = h.request('/assets/app-2.js?x=1');
  css();
  h.request('/assets/chunk-3.js')();
  assert.equal(h.loads(), 0, 'the script is still being sent');
  js();
  assert.equal(h.loads(), 1);
  h.request('/assets/app-2.js')();
  assert.equal(h.loads(), 1, 'once');
  h.t.stop();
});

test('a file cut off mid-send does not count as sent', () => {
  const h = harness();
  h.request('/assets/app-1.css')();
  h.request('/assets/chunk-3.js')();
  h.request('/assets/app-2.js', false)();
  assert.equal(h.loads(), 0);
  h.t.stop();
});

test('some page files sent, then a pause: the load starts after idleMs', async () => {
  const h = harness({ idleMs: 20 });
  h.request('/assets/app-1.css')();
  const api = h.request('/api/session');
  await sleep(60);
  assert.equal(h.loads(), 0, 'a request in flight is no pause');
  api();
  await sleep(60);
  assert.equal(h.loads(), 1);
});

test('no request for quietMs after listening: the load starts; any request defers it to the page', async () => {
  const quiet = harness({ quietMs: 20 });
  quiet.t.listening();
  await sleep(60);
  assert.equal(quiet.loads(), 1);

  const asked = harness({ quietMs: 20 });
  asked.t.listening();
  asked.request('/')();
  await sleep(60);
  assert.equal(asked.loads(), 0, 'a browser is there: its page files decide');
  asked.t.stop();
});

test('fallbackMs after listening the load starts whatever happened', async () => {
  const h = harness({ fallbackMs: 30 });
  h.t.listening();
  h.request('/')();
  await sleep(80);
  assert.equal(h.loads(), 1);
});
