// The SPDY port-forward session against a hand-driven SPDY client: stream pairing by
// requestID, replies, data both ways, half-close, PING, and errors on the error stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { PassThrough, Duplex } from 'node:stream';
import type { NodeStreams } from '../../client/node-streams';
import type { KubeObject } from '../../kinds/types';
import { serveSpdyPortForward } from './pod-portforward-spdy';
import { controlFrame, createHeaderCodec, dataFrame, FLAG_FIN, FRAME, splitFrames, u32, type Frame } from './spdy-framing';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-1' } } as KubeObject;

/** A fake node whose port 80 is an in-memory echo that ends after its peer ends. */
function fakeStreams(): NodeStreams {
  const no = () => Promise.reject(new Error('unused'));
  return {
    logs: no,
    exec: no,
    attach: no,
    portForward: async (_p, port) => {
      if (port !== 80) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:81'), { code: 'ECONNREFUSED' });
      const echo = new PassThrough();
      return echo as Duplex;
    },
  };
}

async function session() {
  const server = net.createServer((s) => serveSpdyPortForward(s, Buffer.alloc(0), pod, fakeStreams()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const codec = createHeaderCodec();
  const frames: Frame[] = [];
  let pending = Buffer.alloc(0);
  sock.on('data', (c: Buffer) => {
    const r = splitFrames(Buffer.concat([pending, c]));
    pending = r.rest;
    frames.push(...r.frames);
  });
  const open = async (id: number, headers: Record<string, string>) =>
    sock.write(controlFrame(FRAME.SYN_STREAM, 0, Buffer.concat([u32(id, 0), Buffer.from([0, 0]), await codec.encode(headers)])));
  const until = async (cond: () => boolean) => {
    const end = Date.now() + 3000;
    while (!cond()) {
      if (Date.now() > end)
        throw new Error(
          `timed out; frames: ${JSON.stringify(frames.map((f) => (f.control ? { t: f.type } : { id: f.streamId, fl: f.flags, d: f.data.toString() })))}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const dataOn = (id: number) => Buffer.concat(frames.flatMap((f) => (!f.control && f.streamId === id ? [f.data] : []))).toString();
  const finOn = (id: number) => frames.some((f) => !f.control && f.streamId === id && f.flags & FLAG_FIN);
  const close = () =>
    new Promise<void>((r) => {
      sock.destroy();
      server.close(() => r());
    });
  return { sock, frames, open, until, dataOn, finOn, close };
}

test('pairs error and data streams by requestID and relays bytes until the pod side ends', async () => {
  const s = await session();
  try {
    await s.open(1, { streamtype: 'error', port: '80', requestid: '0' });
    await s.open(3, { streamtype: 'data', port: '80', requestid: '0' });
    s.sock.write(dataFrame(3, 0, Buffer.from('ping-through')));
    s.sock.write(controlFrame(FRAME.PING, 0, u32(7)));
    await s.until(() => s.dataOn(3) === 'ping-through');
    const replies = s.frames.filter((f) => f.control && f.type === FRAME.SYN_REPLY);
    assert.equal(replies.length, 2);
    assert.ok(s.frames.some((f) => f.control && f.type === FRAME.PING && f.body.readUInt32BE(0) === 7));
    assert.equal(s.finOn(3), false);
    // The client is done sending: the echo ends, so both streams get closed with no error text.
    s.sock.write(dataFrame(3, FLAG_FIN, Buffer.alloc(0)));
    await s.until(() => s.finOn(3) && s.finOn(1));
    assert.equal(s.dataOn(1), '');
  } finally {
    await s.close();
  }
});

test('a refused pod port is reported on the error stream in upstream words', async () => {
  const s = await session();
  try {
    await s.open(1, { streamtype: 'error', port: '81', requestid: '5' });
    await s.open(3, { streamtype: 'data', port: '81', requestid: '5' });
    await s.until(() => s.finOn(1) && s.finOn(3));
    assert.equal(s.dataOn(1), 'error forwarding port 81 to pod uid-1, uid : connect ECONNREFUSED 127.0.0.1:81');
  } finally {
    await s.close();
  }
});

test('streams without a valid port or type are reset', async () => {
  const s = await session();
  try {
    await s.open(1, { streamtype: 'bogus', port: '80', requestid: '1' });
    await s.until(() => s.frames.some((f) => f.control && f.type === FRAME.RST_STREAM));
  } finally {
    await s.close();
  }
});
