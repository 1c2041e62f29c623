// DNS messages on the wire (RFC 1035, SRV from RFC 2782, OPT from RFC 6891): just what cluster DNS
// needs. Pure and dependency-free: the network agent bundles it.

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const CLASS_IN = 1;

export interface Question {
  name: string;
  type: number;
  class: number;
}

export type RecordData =
  | { type: 1; address: string }
  | { type: 28; address: string }
  | { type: 2 | 5 | 12; target: string }
  | { type: 33; priority: number; weight: number; port: number; target: string }
  | { type: 6; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { type: number; raw: Buffer };

export interface ResourceRecord {
  name: string;
  ttl: number;
  /** IN unless set (OPT carries the UDP payload size here). */
  class?: number;
  data: RecordData;
}

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

export class DnsFormatError extends Error {}

/** Lower case, no trailing dot: the form names are compared in. */
export const normalizeName = (name: string) => name.replace(/\.$/, '').toLowerCase();

// ---- decoding ----

function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = start;
  let end = -1;
  for (let jumps = 0; ; ) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the message');
    const len = buf[pos];
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('truncated compression pointer');
      if (++jumps > 32) throw new DnsFormatError('compression loop');
      if (end < 0) end = pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1];
      continue;
    }
    if (len > 63) throw new DnsFormatError(`bad label length ${len}`);
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the message');
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), end };
}

function readRecord(buf: Buffer, start: number): { rr: ResourceRecord; end: number } {
  const { name, end: p } = readName(buf, start);
  if (p + 10 > buf.length) throw new DnsFormatError('truncated resource record');
  const type = buf.readUInt16BE(p);
  const cls = buf.readUInt16BE(p + 2);
  const ttl = buf.readUInt32BE(p + 4);
  const len = buf.readUInt16BE(p + 8);
  const at = p + 10;
  if (at + len > buf.length) throw new DnsFormatError('record data runs past the message');
  let data: RecordData;
  if (type === TYPE.A && len === 4) data = { type, address: [...buf.subarray(at, at + 4)].join('.') };
  else if (type === TYPE.AAAA && len === 16) {
    const parts: string[] = [];
    for (let i = 0; i < 16; i += 2) parts.push(buf.readUInt16BE(at + i).toString(16));
    data = { type, address: parts.join(':') };
  } else if (type === TYPE.CNAME || type === TYPE.PTR || type === TYPE.NS) data = { type, target: readName(buf, at).name };
  else if (type === TYPE.SRV && len >= 7) {
    data = {
      type,
      priority: buf.readUInt16BE(at),
      weight: buf.readUInt16BE(at + 2),
      port: buf.readUInt16BE(at + 4),
      target: readName(buf, at + 6).name,
    };
  } else data = { type, raw: Buffer.from(buf.subarray(at, at + len)) };
  return { rr: { name, ttl, class: cls, data }, end: at + len };
}

export function decodeMessage(buf: Buffer): Message {
  if (buf.length < 12) throw new DnsFormatError('message shorter than its header');
  const flags = buf.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  const m: Message = {
    id: buf.readUInt16BE(0),
    qr: !!(flags & 0x8000),
    opcode: (flags >> 11) & 0xf,
    aa: !!(flags & 0x400),
    tc: !!(flags & 0x200),
    rd: !!(flags & 0x100),
    ra: !!(flags & 0x80),
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  let pos = 12;
  for (let i = 0; i < counts[0]; i++) {
    const { name, end } = readName(buf, pos);
    if (end + 4 > buf.length) throw new DnsFormatError('truncated question');
    m.questions.push({ name, type: buf.readUInt16BE(end), class: buf.readUInt16BE(end + 2) });
    pos = end + 4;
  }
  for (const [n, list] of [
    [counts[1], m.answers],
    [counts[2], m.authorities],
    [counts[3], m.additionals],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const { rr, end } = readRecord(buf, pos);
      list.push(rr);
      pos = end;
    }
  }
  return m;
}

// ---- encoding (no compression: answers stay small) ----

function nameBytes(name: string): Buffer {
  const n = name.replace(/\.$/, '');
  if (!n) return Buffer.from([0]);
  const parts: Buffer[] = [];
  for (const label of n.split('.')) {
    const b = Buffer.from(label, 'latin1');
    if (b.length === 0 || b.length > 63) throw new DnsFormatError(`bad label "${label}" in ${name}`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new DnsFormatError(`name longer than 255 bytes: ${name}`);
  return out;
}

function ipv4(address: string): Buffer {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new DnsFormatError(`bad IPv4 address ${address}`);
  return Buffer.from(parts);
}

function ipv6(address: string): Buffer {
  const halves = address.split('::');
  if (halves.length > 2) throw new DnsFormatError(`bad IPv6 address ${address}`);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail] : head;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) throw new DnsFormatError(`bad IPv6 address ${address}`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function rdata(d: RecordData): Buffer {
  if ('raw' in d) return d.raw;
  switch (d.type) {
    case TYPE.A:
      return ipv4((d as { address: string }).address);
    case TYPE.AAAA:
      return ipv6((d as { address: string }).address);
    case TYPE.CNAME:
    case TYPE.PTR:
    case TYPE.NS:
      return nameBytes((d as { target: string }).target);
    case TYPE.SRV: {
      const s = d as Extract<RecordData, { type: 33 }>;
      const head = Buffer.alloc(6);
      head.writeUInt16BE(s.priority, 0);
      head.writeUInt16BE(s.weight, 2);
      head.writeUInt16BE(s.port, 4);
      return Buffer.concat([head, nameBytes(s.target)]);
    }
    case TYPE.SOA: {
      const s = d as Extract<RecordData, { type: 6 }>;
      const nums = Buffer.alloc(20);
      [s.serial, s.refresh, s.retry, s.expire, s.minimum].forEach((v, i) => nums.writeUInt32BE(v >>> 0, i * 4));
      return Buffer.concat([nameBytes(s.mname), nameBytes(s.rname), nums]);
    }
  }
  throw new DnsFormatError(`cannot encode record type ${(d as { type: number }).type}`);
}

function recordBytes(rr: ResourceRecord): Buffer {
  const data = rdata(rr.data);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rr.data.type, 0);
  fixed.writeUInt16BE(rr.class ?? CLASS_IN, 2);
  fixed.writeUInt32BE(rr.ttl >>> 0, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([nameBytes(rr.name), fixed, data]);
}

export function encodeMessage(m: Message): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(m.id, 0);
  const flags =
    (m.qr ? 0x8000 : 0) |
    ((m.opcode & 0xf) << 11) |
    (m.aa ? 0x400 : 0) |
    (m.tc ? 0x200 : 0) |
    (m.rd ? 0x100 : 0) |
    (m.ra ? 0x80 : 0) |
    (m.rcode & 0xf);
  head.writeUInt16BE(flags, 2);
  head.writeUInt16BE(m.questions.length, 4);
  head.writeUInt16BE(m.answers.length, 6);
  head.writeUInt16BE(m.authorities.length, 8);
  head.writeUInt16BE(m.additionals.length, 10);
  const parts: Buffer[] = [head];
  for (const q of m.questions) {
    const tail = Buffer.alloc(4);
    tail.writeUInt16BE(q.type, 0);
    tail.writeUInt16BE(q.class, 2);
    parts.push(nameBytes(q.name), tail);
  }
  for (const rr of [...m.answers, ...m.authorities, ...m.additionals]) parts.push(recordBytes(rr));
  return Buffer.concat(parts);
}

/** A query message (for forwarding a CNAME's target). */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  return encodeMessage({
    id,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: true,
    ra: false,
    rcode: 0,
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals: [],
  });
}

/** The UDP payload size the query allows (EDNS), at least 512, at most 4096. */
export function udpLimit(query: Message): number {
  const opt = query.additionals.find((r) => r.data.type === TYPE.OPT);
  return Math.min(4096, Math.max(512, opt?.class ?? 512));
}

/** Encodes a response for UDP: when too big, it is sent empty with TC set, so the client retries over TCP. */
export function encodeForUdp(m: Message, limit: number): Buffer {
  const full = encodeMessage(m);
  if (full.length <= limit) return full;
  return encodeMessage({ ...m, tc: true, answers: [], authorities: [], additionals: [] });
}
