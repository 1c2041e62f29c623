import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlFrame, createHeaderCodec, dataFrame, FLAG_FIN, FRAME, splitFrames } from './spdy-framing';

test('header blocks survive a shared compression context across several frames', async () => {
  const sender = createHeaderCodec();
  const receiver = createHeaderCodec();
  const blocks: Array<Record<string, string>> = [
    { streamType: 'error' },
    { streamType: 'stdout' },
    { streamtype: 'data', port: '8080', requestid: '0' },
  ];
  for (const h of blocks) {
    const wire = await sender.encode(h);
    const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(await receiver.decode(wire), lower);
  }
});

test('splitFrames parses control and data frames and keeps a partial frame for later', () => {
  const bytes = Buffer.concat([controlFrame(FRAME.PING, 0, Buffer.from([0, 0, 0, 1])), dataFrame(3, FLAG_FIN, Buffer.from('hello'))]);
  const { frames, rest } = splitFrames(bytes.subarray(0, bytes.length - 2));
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0], { control: true, type: FRAME.PING, flags: 0, body: Buffer.from([0, 0, 0, 1]) });
  const second = splitFrames(Buffer.concat([rest, bytes.subarray(bytes.length - 2)]));
  assert.deepEqual(second.frames, [{ control: false, streamId: 3, flags: FLAG_FIN, data: Buffer.from('hello') }]);
  assert.equal(second.rest.length, 0);
});
