// Encryption at rest for what Skiff stores itself (copied and pasted kubeconfigs hold
// credentials). An interface so the Electron shell can plug in safeStorage; in browser mode and
// in the CLI a random AES-256-GCM key in a 0600 file under the data dir does the work.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SecretBox {
  /** Names the scheme; sealed data carries it so data sealed by another box is reported, not misread. */
  readonly id: string;
  seal(plain: Buffer): Buffer;
  open(sealed: Buffer): Buffer;
}

const MAGIC = Buffer.from('SKB1');

/** Frames a box's ciphertext with MAGIC and its id. */
export function frame(id: string, body: Buffer): Buffer {
  const idBuf = Buffer.from(id, 'utf8');
  return Buffer.concat([MAGIC, Buffer.from([idBuf.length]), idBuf, body]);
}

/** The body inside a frame; throws when the data is not framed or was sealed by another box. */
export function unframe(id: string, sealed: Buffer): Buffer {
  if (sealed.length < 5 || !sealed.subarray(0, 4).equals(MAGIC)) throw new Error('the data is not sealed by Skiff (no SKB1 header)');
  const len = sealed[4];
  const got = sealed.subarray(5, 5 + len).toString('utf8');
  if (got !== id)
    throw new Error(`the data was sealed with "${got}", not "${id}"; open it where it was stored (e.g. the app rather than the CLI)`);
  return sealed.subarray(5 + len);
}

/** AES-256-GCM with a 32-byte key kept in keyFile (created 0600 on first seal). */
export function createKeyFileBox(keyFile: string): SecretBox {
  const id = 'aes-256-gcm:keyfile';
  let key: Buffer | undefined;

  function loadKey(create: boolean): Buffer {
    if (key) return key;
    try {
      key = readFileSync(keyFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot read the key file ${keyFile}: ${(err as Error).message}`);
      if (!create)
        throw new Error(`the key file ${keyFile} is missing, so stored credentials cannot be decrypted; import the kubeconfig again`);
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      const fresh = randomBytes(32);
      try {
        // 'wx': if another process (app and CLI) created it meanwhile, use theirs.
        const fd = openSync(keyFile, 'wx', 0o600);
        writeSync(fd, fresh);
        closeSync(fd);
        key = fresh;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        key = readFileSync(keyFile);
      }
    }
    if (key.length !== 32) {
      key = undefined;
      throw new Error(`the key file ${keyFile} is damaged (expected 32 bytes); remove it and import the kubeconfigs stored by Skiff again`);
    }
    return key;
  }

  return {
    id,
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', loadKey(true), iv);
      const body = Buffer.concat([c.update(plain), c.final()]);
      return frame(id, Buffer.concat([iv, c.getAuthTag(), body]));
    },
    open(sealed) {
      const data = unframe(id, sealed);
      if (data.length < 28) throw new Error('the sealed data is truncated');
      const d = createDecipheriv('aes-256-gcm', loadKey(false), data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      try {
        return Buffer.concat([d.update(data.subarray(28)), d.final()]);
      } catch {
        throw new Error(`cannot decrypt with the key in ${keyFile} (the data or the key was changed, or comes from another data dir)`);
      }
    },
  };
}

/** What a box needs of Electron's safeStorage (structural: the host never imports Electron). */
export interface StringEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring (a key compiled into Electron), no better than our key file. */
  getSelectedStorageBackend?(): string;
}

/** The id inside a sealed frame, or undefined when the data is not framed. */
export function framedId(sealed: Buffer): string | undefined {
  if (sealed.length < 5 || !sealed.subarray(0, 4).equals(MAGIC)) return undefined;
  return sealed.subarray(5, 5 + sealed[4]).toString('utf8');
}

/**
 * The app's box under Electron: seals with the OS keychain (safeStorage), opens both its own
 * data and what the key-file box sealed (copies the CLI made: the CLI keeps its key file, and
 * cannot open what the app sealed, which it says). Undefined when safeStorage has no real
 * keychain (then the key file is as good): the caller keeps the key-file box.
 */
export function createSafeStorageBox(storage: StringEncryption, keyFileBox: SecretBox): SecretBox | undefined {
  if (!storage.isEncryptionAvailable()) return undefined;
  const backend = storage.getSelectedStorageBackend?.();
  if (backend === 'basic_text' || backend === 'unknown') return undefined;
  const id = 'electron-safestorage';
  return {
    id,
    // base64 first: safeStorage takes strings, sealed data may be any bytes.
    seal: (plain) => frame(id, storage.encryptString(plain.toString('base64'))),
    open(sealed) {
      if (framedId(sealed) === keyFileBox.id) return keyFileBox.open(sealed);
      return Buffer.from(storage.decryptString(unframe(id, sealed)), 'base64');
    },
  };
}
