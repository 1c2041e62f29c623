// Cluster DNS on <dnsIP>:53, UDP and TCP. Cluster names are answered from the routing table;
// other names go to the agent's own resolver (Docker's embedded DNS, which reaches the host's),
// byte for byte. Pods reach this server through their own 127.0.0.11, which forwards to it.
import { createSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import {
  TYPE,
  RCODE,
  decodeMessage,
  encodeMessage,
  encodeForUdp,
  encodeQuery,
  udpLimit,
  type Message,
  type ResourceRecord,
} from '../dns-wire';
import { answerQuestion, type DnsIndex } from './dns-answer';

export interface DnsServer {
  setIndex(ix: DnsIndex): void;
  close(): void;
}

const UPSTREAM_TIMEOUT_MS = 4000;

/** The first nameserver of resolv.conf (Docker's 127.0.0.11 in a container on a user network). */
export function upstreamResolver(path = '/etc/resolv.conf'): string {
  try {
    const m = /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)/m.exec(readFileSync(path, 'utf8'));
    if (m) return m[1];
  } catch {
    /* no resolv.conf: Docker's default */
  }
  return '127.0.0.11';
}

function askUdp(server: string, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => finish(new Error('upstream DNS timed out')), UPSTREAM_TIMEOUT_MS);
    const finish = (err?: Error, reply?: Buffer) => {
      clearTimeout(timer);
      try {
        s.close();
      } catch {
        /* closed */
      }
      if (err) reject(err);
      else resolve(reply!);
    };
    s.on('error', (e) => finish(e));
    s.on('message', (m) => finish(undefined, m));
    s.send(query, 53, server);
  });
}

function askTcp(server: string, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: server, port: 53 });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('upstream DNS timed out'));
    }, UPSTREAM_TIMEOUT_MS);
    s.on('connect', () => s.write(Buffer.concat([u16(query.length), query])));
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        s.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      reject(new Error('upstream DNS closed'));
    });
  });
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export async function startDnsServer(o: { ip: string; port?: number; upstream?: string; log(line: string): void }): Promise<DnsServer> {
  const port = o.port ?? 53;
  const upstream = o.upstream ?? upstreamResolver();
  let index: DnsIndex | undefined;

  /** The reply bytes for one query (undefined: drop it). */
  async function handle(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    let q: Message;
    try {
      q = decodeMessage(query);
    } catch {
      if (query.length < 12) return undefined;
      return encodeMessage({
        id: query.readUInt16BE(0),
        qr: true,
        opcode: 0,
        aa: false,
        tc: false,
        rd: false,
        ra: true,
        rcode: RCODE.FORMERR,
        questions: [],
        answers: [],
        authorities: [],
        additionals: [],
      });
    }
    const question = q.questions[0];
    const ask = (b: Buffer) => (tcp ? askTcp(upstream, b) : askUdp(upstream, b));
    const a = question && q.opcode === 0 && !q.qr && index ? answerQuestion(index, question) : { kind: 'forward' as const };
    if (a.kind === 'forward') {
      return ask(query).catch((e) => {
        o.log(`dns: forwarding ${question?.name ?? '?'}: ${e.message}`);
        return reply(q, RCODE.SERVFAIL, [], [], [], false, tcp);
      });
    }
    const answers = [...a.answers];
    if (a.chase) {
      // An ExternalName outside the cluster: resolve its target upstream so stub resolvers get addresses.
      const r = await ask(encodeQuery(q.id, a.chase, question.type)).then(decodeMessage, () => undefined);
      if (r) answers.push(...r.answers.filter((rr) => rr.data.type === question.type || rr.data.type === TYPE.CNAME));
    }
    return reply(q, a.rcode, answers, a.authorities, a.additionals, true, tcp);
  }

  function reply(
    q: Message,
    rcode: number,
    answers: ResourceRecord[],
    authorities: ResourceRecord[],
    additionals: ResourceRecord[],
    aa: boolean,
    tcp: boolean,
  ): Buffer {
    const opt = q.additionals.find((r) => r.data.type === TYPE.OPT);
    const m: Message = {
      id: q.id,
      qr: true,
      opcode: q.opcode,
      aa,
      tc: false,
      rd: q.rd,
      ra: true,
      rcode,
      questions: q.questions,
      answers,
      authorities,
      additionals: [...additionals, ...(opt ? [{ name: '', ttl: 0, class: 4096, data: { type: TYPE.OPT, raw: Buffer.alloc(0) } }] : [])],
    };
    return tcp ? encodeMessage(m) : encodeForUdp(m, udpLimit(q));
  }

  const udp = createSocket({ type: 'udp4' });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, o.ip, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  udp.on('error', (e) => o.log(`dns udp: ${e.message}`));
  udp.on('message', (msg, rinfo) => {
    handle(msg, false).then(
      (r) => r && udp.send(r, rinfo.port, rinfo.address),
      (e) => o.log(`dns: ${e.message}`),
    );
  });

  const tcp: Server = createServer((s: Socket) => {
    let buf = Buffer.alloc(0);
    s.on('error', () => s.destroy());
    s.setTimeout(10_000, () => s.destroy());
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        handle(Buffer.from(msg), true).then(
          (r) => r && !s.destroyed && s.write(Buffer.concat([u16(r.length), r])),
          (e) => o.log(`dns: ${e.message}`),
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, o.ip, () => {
      tcp.off('error', reject);
      resolve();
    });
  });

  return {
    setIndex(ix) {
      index = ix;
    },
    close() {
      try {
        udp.close();
      } catch {
        /* closed */
      }
      tcp.close();
    },
  };
}
