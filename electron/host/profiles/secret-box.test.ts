import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyFileBox, frame, unframe } from './secret-box';

test('AES-256-GCM key file box: round trip, key 0600, ciphertext hides the text, tampering detected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-box-'));
  const keyFile = join(dir, 'profiles', 'key');
  const box = createKeyFileBox(keyFile);
  const secret = Buffer.from('token: super-secret-token\n');
  const sealed = box.seal(secret);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(readFileSync(keyFile).length, 32);
  assert.ok(!sealed.includes(Buffer.from('super-secret')), 'no plaintext in the sealed data');
  assert.deepEqual(createKeyFileBox(keyFile).open(sealed), secret, 'another process with the same key file opens it');
  assert.notDeepEqual(box.seal(secret), sealed, 'a fresh IV per seal');

  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1] ^= 1;
  assert.throws(() => box.open(tampered), /cannot decrypt with the key in .*key/);
  const other = createKeyFileBox(join(dir, 'other-key'));
  other.seal(Buffer.from('x'));
  assert.throws(() => other.open(sealed), /cannot decrypt/);
  assert.throws(() => createKeyFileBox(join(dir, 'missing')).open(sealed), /key file .*missing is missing/);
  writeFileSync(join(dir, 'short'), 'abc');
  assert.throws(() => createKeyFileBox(join(dir, 'short')).seal(secret), /damaged \(expected 32 bytes\)/);
});

test('sealed data names its box, so data of another box is reported rather than misread', () => {
  const framed = frame('safeStorage', Buffer.from('abc'));
  assert.deepEqual(unframe('safeStorage', framed), Buffer.from('abc'));
  assert.throws(() => unframe('aes-256-gcm:keyfile', framed), /sealed with "safeStorage"/);
  assert.throws(() => unframe('x', Buffer.from('plain text')), /not sealed by Skiff/);
});
