import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDeferredHandler } from './deferred-handler';
import type { RequestHandler } from './server';

const fakeHandler = () => {
  const seen = { handled: 0, closed: 0 };
  const h: RequestHandler = {
    handle: () => void seen.handled++,
    close: () => void seen.closed++,
  };
  return { h, seen };
};
const req = {} as IncomingMessage;
const res = {} as ServerResponse;
const tick = () => new Promise((r) => setImmediate(r));

test('close reaches the loaded handler (its WebSockets would otherwise keep the server open)', async () => {
  const { h, seen } = fakeHandler();
  const d = createDeferredHandler(() => Promise.resolve(h));
  d.handle(req, res);
  await tick();
  assert.equal(seen.handled, 1);
  d.close!();
  assert.equal(seen.closed, 1);
});

test('a handler that finishes loading after close is closed at once', async () => {
  const { h, seen } = fakeHandler();
  let resolve!: (x: RequestHandler) => void;
  const loading = new Promise<RequestHandler>((r) => (resolve = r));
  const d = createDeferredHandler(() => loading);
  d.handle(req, res);
  d.close!();
  assert.equal(seen.closed, 0, 'nothing loaded yet');
  resolve(h);
  await tick();
  assert.equal(seen.closed, 1);
});
