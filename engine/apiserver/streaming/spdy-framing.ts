// Minimal SPDY/3.1 framing, enough for the Kubernetes stream protocols (kubectl 1.27–1.29 exec,
// attach and port-forward). Header blocks are zlib-compressed with the spec's dictionary and one
// compression context per direction, so header work is serialised through a queue.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

// The SPDY/3 header dictionary is a constant from the spec; the spdy-transport package ships it.
const require = createRequire(import.meta.url);
const SPDY3_DICTIONARY: Buffer = require('spdy-transport/lib/spdy-transport/protocol/spdy/dictionary.js')[3];

export const FRAME = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
export const FLAG_FIN = 0x01;

export type Headers = Record<string, string>;

export type Frame =
  | { control: true; type: number; flags: number; body: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Splits a byte stream into frames; returns the frames and the unconsumed rest. */
export function splitFrames(buf: Buffer): { frames: Frame[]; rest: Buffer<ArrayBuffer> } {
  const frames: Frame[] = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const len = buf.readUIntBE(off + 5, 3);
    if (buf.length - off < 8 + len) break;
    const flags = buf[off + 4];
    const body = buf.subarray(off + 8, off + 8 + len);
    if (buf[off] & 0x80) frames.push({ control: true, type: buf.readUInt16BE(off + 2), flags, body });
    else frames.push({ control: false, streamId: buf.readUInt32BE(off) & 0x7fffffff, flags, data: body });
    off += 8 + len;
  }
  // A copy: the caller keeps it across reads, and a small one (at most a partial frame).
  return { frames, rest: Buffer.from(buf.subarray(off)) };
}

export function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0); // control bit + version 3
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(body.length, 5, 3);
  return Buffer.concat([head, body]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = flags;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function encodeHeaderBlock(headers: Headers): Buffer {
  const parts: Buffer[] = [u32(Object.keys(headers).length)];
  for (const [k, v] of Object.entries(headers)) {
    const kb = Buffer.from(k.toLowerCase());
    const vb = Buffer.from(v);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(raw: Buffer): Headers {
  const out: Headers = {};
  let off = 0;
  const n = raw.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < n; i++) {
    const kl = raw.readUInt32BE(off);
    const k = raw.subarray(off + 4, off + 4 + kl).toString();
    off += 4 + kl;
    const vl = raw.readUInt32BE(off);
    const v = raw.subarray(off + 4, off + 4 + vl).toString();
    off += 4 + vl;
    out[k.toLowerCase()] = v;
  }
  return out;
}

/** A persistent zlib context fed one header block at a time (SYNC_FLUSH after each). */
function zContext(stream: zlib.Inflate | zlib.Deflate) {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  let queue = Promise.resolve();
  return (input: Buffer): Promise<Buffer> => {
    const run = queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          stream.once('error', reject);
          stream.write(input);
          stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            stream.off('error', reject);
            resolve(Buffer.concat(chunks.splice(0)));
          });
        }),
    );
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

export function createHeaderCodec() {
  const inflate = zContext(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));
  const deflate = zContext(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }));
  return {
    decode: async (compressed: Buffer) => decodeHeaderBlock(await inflate(compressed)),
    encode: (headers: Headers) => deflate(encodeHeaderBlock(headers)),
  };
}
