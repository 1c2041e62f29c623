import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyFileBox, createSafeStorageBox, frame, unframe, type StringEncryption } from './secret-box';

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

/** safeStorage's shape, with an XOR "keychain" so the test can see it was used. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): StringEncryption & { calls: number } {
  const k = 0x5a;
  const s = {
    calls: 0,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (p: string) => {
      s.calls++;
      return Buffer.from(Buffer.from(p, 'utf8').map((b) => b ^ k));
    },
    decryptString: (e: Buffer) => Buffer.from(e.map((b) => b ^ k)).toString('utf8'),
  };
  return s;
}

test('the Electron box seals with safeStorage, still opens the key file box’s data, and is not used without a real keychain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-box-ss-'));
  const keyFileBox = createKeyFileBox(join(dir, 'key'));
  const storage = fakeSafeStorage();
  const box = createSafeStorageBox(storage, keyFileBox)!;
  const secret = Buffer.from([0, 255, 10, ...Buffer.from('token: abc')]);
  const sealed = box.seal(secret);
  assert.equal(storage.calls, 1, 'the keychain did the sealing');
  assert.deepEqual(box.open(sealed), secret, 'any bytes round-trip');
  const byCli = keyFileBox.seal(Buffer.from('made by the CLI'));
  assert.equal(box.open(byCli).toString(), 'made by the CLI', "the app opens the CLI's copies");
  assert.throws(() => keyFileBox.open(sealed), /sealed with "electron-safestorage"/, 'the CLI says where to open the app’s');
  assert.equal(createSafeStorageBox(fakeSafeStorage('basic_text'), keyFileBox), undefined, 'no keyring: the key file is as good');
  assert.equal(createSafeStorageBox(fakeSafeStorage('gnome_libsecret', false), keyFileBox), undefined);
});
