import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, RCODE, DnsFormatError, decodeMessage, encodeMessage, encodeForUdp, encodeQuery, udpLimit, type Message } from './dns-wire';

const base: Message = {
  id: 0x1234,
  qr: true,
  opcode: 0,
  aa: true,
  tc: false,
  rd: true,
  ra: true,
  rcode: RCODE.NOERROR,
  questions: [],
  answers: [],
  authorities: [],
  additionals: [],
};

test('a query round-trips: id, flags, question', () => {
  const q = decodeMessage(encodeQuery(7, 'web.default.svc.cluster.local', TYPE.A));
  assert.equal(q.id, 7);
  assert.equal(q.qr, false);
  assert.equal(q.rd, true);
  assert.deepEqual(q.questions, [{ name: 'web.default.svc.cluster.local', type: TYPE.A, class: 1 }]);
});

test('answers of every type we serve round-trip', () => {
  const m: Message = {
    ...base,
    rcode: RCODE.NXDOMAIN,
    questions: [{ name: 'x.cluster.local', type: TYPE.ANY, class: 1 }],
    answers: [
      { name: 'a.cluster.local', ttl: 5, class: 1, data: { type: TYPE.A, address: '10.1.128.7' } },
      { name: 'a.cluster.local', ttl: 5, class: 1, data: { type: TYPE.AAAA, address: 'fd00:0:0:0:0:0:0:1' } },
      { name: 'c.cluster.local', ttl: 5, class: 1, data: { type: TYPE.CNAME, target: 'a.cluster.local' } },
      {
        name: '_http._tcp.a.cluster.local',
        ttl: 5,
        class: 1,
        data: { type: TYPE.SRV, priority: 0, weight: 100, port: 8080, target: 'a.cluster.local' },
      },
      { name: '7.128.1.10.in-addr.arpa', ttl: 5, class: 1, data: { type: TYPE.PTR, target: 'a.cluster.local' } },
    ],
    authorities: [
      {
        name: 'cluster.local',
        ttl: 5,
        class: 1,
        data: {
          type: TYPE.SOA,
          mname: 'ns.dns.cluster.local',
          rname: 'hostmaster.cluster.local',
          serial: 3,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 5,
        },
      },
    ],
  };
  const back = decodeMessage(encodeMessage(m));
  assert.equal(back.rcode, RCODE.NXDOMAIN);
  assert.deepEqual(back.answers.slice(0, 1), m.answers.slice(0, 1));
  assert.equal((back.answers[1].data as { address: string }).address, 'fd00:0:0:0:0:0:0:1');
  assert.deepEqual(back.answers.slice(2), m.answers.slice(2));
  const soa = back.authorities[0].data as { type: number; raw: Buffer };
  assert.equal(soa.type, TYPE.SOA);
  assert.equal(soa.raw.readUInt32BE(soa.raw.length - 20), 3, 'serial after the two names');
  assert.equal(soa.raw.readUInt32BE(soa.raw.length - 4), 5, 'minimum (negative TTL) last');
});

test('IPv6 shorthand encodes to the right 16 bytes', () => {
  const m = { ...base, answers: [{ name: 'v6', ttl: 1, data: { type: TYPE.AAAA as 28, address: '::1' } }] };
  const back = decodeMessage(encodeMessage(m));
  assert.equal((back.answers[0].data as { address: string }).address, '0:0:0:0:0:0:0:1');
});

test('compressed names (pointers) decode, loops are refused', () => {
  // Header, question "ab.cd" A IN, answer with name = pointer to offset 12.
  const q = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 2, 0x61, 0x62, 2, 0x63, 0x64, 0, 0, 1, 0, 1]);
  const a = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 0, 0, 1]);
  const m = decodeMessage(Buffer.concat([q, a]));
  assert.equal(m.answers[0].name, 'ab.cd');
  assert.deepEqual(m.answers[0].data, { type: TYPE.A, address: '10.0.0.1' });
  const loop = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(loop), DnsFormatError);
  assert.throws(() => decodeMessage(Buffer.alloc(5)), DnsFormatError);
});

test('bad names and addresses are refused with a reason', () => {
  assert.throws(() => encodeQuery(1, `${'a'.repeat(64)}.x`, TYPE.A), /bad label/);
  assert.throws(
    () => encodeMessage({ ...base, answers: [{ name: 'x', ttl: 1, data: { type: TYPE.A, address: '300.1.1.1' } }] }),
    /bad IPv4/,
  );
});

test('UDP replies over the limit go out empty with TC set; EDNS raises the limit', () => {
  const answers = Array.from({ length: 60 }, (_, i) => ({
    name: 'many.default.svc.cluster.local',
    ttl: 5,
    data: { type: TYPE.A as 1, address: `10.0.0.${i}` },
  }));
  const m: Message = { ...base, questions: [{ name: 'many.default.svc.cluster.local', type: TYPE.A, class: 1 }], answers };
  const small = decodeMessage(encodeForUdp(m, 512));
  assert.equal(small.tc, true);
  assert.equal(small.answers.length, 0);
  assert.equal(decodeMessage(encodeForUdp(m, 4096)).answers.length, 60);
  const withOpt = decodeMessage(
    encodeMessage({ ...base, qr: false, additionals: [{ name: '', ttl: 0, class: 1232, data: { type: TYPE.OPT, raw: Buffer.alloc(0) } }] }),
  );
  assert.equal(udpLimit(withOpt), 1232);
  assert.equal(udpLimit({ ...withOpt, additionals: [] }), 512);
});
