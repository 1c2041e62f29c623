import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createProtoWriter } from './protobuf-writer';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('protobuf writer', () => {
  test('encodes varints and strings as the protobuf encoding guide shows', () => {
    const w = createProtoWriter();
    w.int64(1, 150);
    w.string(2, 'testing');
    assert.equal(hex(w.finish()), '089601' + '1207' + Buffer.from('testing').toString('hex'));
  });

  test('skips proto3 defaults but writes empty repeated entries and oneof bools', () => {
    const w = createProtoWriter();
    w.string(1, '');
    w.bool(2, false);
    w.int64(3, 0);
    w.double(4, 0);
    assert.equal(w.finish().length, 0);
    w.strings(5, ['', 'a']);
    w.bool(6, false, true);
    assert.equal(hex(w.finish()), '2a00' + '2a0161' + '3000');
  });

  test('large varints use division, not 32-bit operators', () => {
    const w = createProtoWriter();
    w.int64(1, 2 ** 35 + 1);
    assert.equal(hex(w.finish()), '08' + '8180808080' + '01');
  });

  test('doubles are little-endian fixed64', () => {
    const w = createProtoWriter();
    w.double(7, 1.5);
    assert.equal(hex(w.finish()), '39' + '000000000000f83f');
  });

  test('nested messages get their length prefix, also past one varint byte and buffer growth', () => {
    const w = createProtoWriter(4); // tiny buffer forces growth while sliding content
    const long = 'x'.repeat(200);
    w.message(1, () => {
      w.string(2, long);
      w.message(3, () => {}); // an empty message is still written
    });
    w.string(4, 'z');
    const out = Buffer.from(w.finish());
    // field 1, wire 2; inner length = (1 tag + 2 len + 200) + (1 tag + 1 len) = 205 → varint cd 01
    assert.equal(out.subarray(0, 3).toString('hex'), '0acd01');
    assert.equal(out.subarray(3, 6).toString('hex'), '12c801');
    assert.equal(out.subarray(6, 206).toString(), long);
    assert.equal(out.subarray(206).toString('hex'), '1a00' + '2201' + '7a');
  });

  test('utf-8 strings are measured in bytes', () => {
    const w = createProtoWriter();
    w.string(1, 'é');
    assert.equal(hex(w.finish()), '0a02c3a9');
  });
});
