import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { maxBodyBytes, readBody } from './body';

/** A request body stream as readBody sees it (headers, `complete` once all of it came). */
function fakeRequest(headers: Record<string, string> = {}) {
  const s = new PassThrough() as PassThrough & { headers: Record<string, string>; complete: boolean };
  s.headers = headers;
  s.complete = false;
  s.on('end', () => (s.complete = true));
  return s;
}
const asReq = (s: PassThrough) => s as unknown as IncomingMessage;

test('a body sent in pieces is read whole', async () => {
  const req = fakeRequest();
  const body = readBody(asReq(req));
  req.write('{"a":');
  req.write('1}');
  req.end();
  assert.equal((await body).toString(), '{"a":1}');
});

test('a body past the limit is refused with 413 even without a Content-Length', async () => {
  const req = fakeRequest();
  const body = readBody(asReq(req));
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  for (let i = 0; i * chunk.length <= maxBodyBytes; i++) req.write(chunk);
  req.end();
  await assert.rejects(body, (e: { code: number }) => e.code === 413);
});

test('a client that goes away mid-body gets a 400, not a hang', async () => {
  const req = fakeRequest();
  const body = readBody(asReq(req));
  req.write('{"a":');
  req.destroy();
  await assert.rejects(body, (e: { code: number; message: string }) => e.code === 400 && /could not be read/.test(e.message));
  // And one already gone before the handler reads it.
  await assert.rejects(readBody(asReq(req)), (e: { code: number }) => e.code === 400);
});
