import { test } from 'node:test';
import assert from 'node:assert/strict';
import { int, ipBytes, oid, readTlv, children, seq, time, tlv } from './der';

const hex = (b: Buffer) => b.toString('hex');

test('DER: minimal positive integers, OIDs, long lengths', () => {
  assert.equal(hex(int(0)), '020100');
  assert.equal(hex(int(2)), '020102');
  assert.equal(hex(int(128)), '02020080', 'a set top bit gets a leading zero');
  assert.equal(hex(int(Buffer.from([0, 0, 0x7f]))), '02017f', 'leading zeros go');
  assert.equal(hex(oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302', 'ecdsa-with-SHA256');
  assert.equal(hex(oid('2.5.29.17')), '0603551d11');
  const long = tlv(0x04, Buffer.alloc(300));
  assert.equal(hex(long.subarray(0, 4)), '0482012c');
  const outer = seq(long, int(5));
  const parts = children(outer, readTlv(outer, 0));
  assert.deepEqual(
    parts.map((p) => [p.tag, p.end - p.contentStart]),
    [
      [0x04, 300],
      [0x02, 1],
    ],
  );
});

test('DER: UTCTime through 2049, GeneralizedTime from 2050', () => {
  assert.equal(time(new Date('2049-12-31T23:59:59.900Z')).toString('latin1').slice(2), '491231235959Z');
  assert.equal(time(new Date('2049-12-31T23:59:59Z'))[0], 0x17);
  const g = time(new Date('2050-01-01T00:00:00Z'));
  assert.equal(g[0], 0x18);
  assert.equal(g.toString('latin1').slice(2), '20500101000000Z');
});

test('DER: IP addresses for subjectAltName', () => {
  assert.equal(hex(ipBytes('10.96.0.1')), '0a600001');
  assert.equal(hex(ipBytes('::1')), '00000000000000000000000000000001');
  assert.equal(hex(ipBytes('fd00:10:96::a')), 'fd000010009600000000000000000000'.slice(0, 12) + '0'.repeat(16) + '000a');
  assert.throws(() => ipBytes('1:2:3'), /not an IP address/);
});
