// A minimal ustar writer (directories, files, symlinks), enough to hand Docker a rootfs to import
// or a file to copy into a container, without a tar binary or a package.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';

export type TarEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; mode?: number; data: Buffer }
  | { type: 'file'; path: string; mode?: number; fromFile: string }
  | { type: 'symlink'; path: string; target: string };

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(path: string, type: '0' | '2' | '5', size: number, mode: number, link = ''): Buffer {
  const h = Buffer.alloc(512);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar: up to 155 bytes of directories go into the prefix field.
    const i = name.slice(0, 156).lastIndexOf('/');
    if (i <= 0 || Buffer.byteLength(name.slice(i + 1)) > 100) throw new Error(`tar: path too long: ${path}`);
    prefix = name.slice(0, i);
    name = name.slice(i + 1);
  }
  if (Buffer.byteLength(link) > 100) throw new Error(`tar: link target too long: ${link}`);
  h.write(name, 0, 100);
  h.write(octal(mode & 0o7777, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

const pad = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

async function* entries(list: TarEntry[]): AsyncGenerator<Buffer> {
  for (const e of list) {
    const path = e.path.replace(/^\/+/, '');
    if (e.type === 'dir') yield tarHeader(path.endsWith('/') ? path : `${path}/`, '5', 0, e.mode ?? 0o755);
    else if (e.type === 'symlink') yield tarHeader(path, '2', 0, 0o777, e.target);
    else if ('data' in e) {
      yield tarHeader(path, '0', e.data.length, e.mode ?? 0o644);
      yield e.data;
      yield pad(e.data.length);
    } else {
      const size = statSync(e.fromFile).size;
      yield tarHeader(path, '0', size, e.mode ?? statSync(e.fromFile).mode);
      let sent = 0;
      for await (const chunk of createReadStream(e.fromFile)) {
        sent += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (sent !== size) throw new Error(`tar: ${e.fromFile} changed while being read`);
      yield pad(size);
    }
  }
  yield Buffer.alloc(1024);
}

/** A tar stream of the entries (files read as it flows). */
export function tarStream(list: TarEntry[]): Readable {
  return Readable.from(entries(list), { objectMode: false });
}

/** The whole tar in memory (small archives). */
export async function tarBuffer(list: TarEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of entries(list)) parts.push(c);
  return Buffer.concat(parts);
}
