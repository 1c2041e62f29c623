// Just enough tar for test images: read the entries of `docker save` output (ustar, with pax or
// GNU long names) and write a layer of regular files and directories.

export interface TarEntry {
  name: string;
  /** '0' file, '5' directory, '2' symlink, ... (the header's typeflag). */
  type: string;
  data: Buffer;
}

const BLOCK = 512;
const str = (b: Buffer, off: number, len: number) =>
  b
    .subarray(off, off + len)
    .toString('utf8')
    .replace(/\0.*$/s, '');
const octal = (b: Buffer, off: number, len: number) => parseInt(str(b, off, len).trim() || '0', 8);

/** Entries of a tar archive, in order. */
export function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 48);
    const prefix = str(h, 345, 155);
    const data = buf.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g') {
      // pax: "len key=value\n" records; only `path` matters here.
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m && type === 'x') longName = m[1];
      continue;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    longName = undefined;
    out.push({ name, type, data: Buffer.from(data) });
  }
  return out;
}

function header(name: string, size: number, type: '0' | '5', mode: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long for this writer: ${name}`);
  const h = Buffer.alloc(BLOCK);
  const put = (s: string, off: number) => h.write(s, off, 'utf8');
  const num = (n: number, off: number, len: number) => put(n.toString(8).padStart(len - 1, '0') + '\0', off);
  put(name, 0);
  num(mode, 100, 8);
  num(0, 108, 8);
  num(0, 116, 8);
  num(size, 124, 12);
  num(0, 136, 12); // mtime 0: the same files give the same layer digest
  h.fill(' ', 148, 156);
  put(type, 156);
  put('ustar\0', 257);
  put('00', 263);
  let sum = 0;
  for (const x of h) sum += x;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** A tar of the given files (paths without a leading slash), with their parent directories. */
export function writeTar(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const rel = path.replace(/^\/+/, '');
    const segs = rel.split('/');
    for (let i = 1; i < segs.length; i++) {
      const d = segs.slice(0, i).join('/') + '/';
      if (dirs.has(d)) continue;
      dirs.add(d);
      parts.push(header(d, 0, '5', 0o755));
    }
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    parts.push(header(rel, data.length, '0', 0o644), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
