import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNodeCredentials, writeNodeCredentials, NODE_CREDENTIALS_FILE } from './node-credentials';

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

describe('node credentials (one file for the pair)', () => {
  it('writes the certificate and key as one owner-only file and reads them back; a rotation replaces both at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-nodecreds-'));
    try {
      const first = { cert: pem('CERTIFICATE', 'AAAA') + pem('CERTIFICATE', 'CA01'), key: pem('EC PRIVATE KEY', 'KKKK') };
      writeNodeCredentials(dir, first);
      assert.deepEqual(readNodeCredentials(dir), first);
      assert.equal(statSync(join(dir, NODE_CREDENTIALS_FILE)).mode & 0o777, 0o600);
      const next = { cert: pem('CERTIFICATE', 'BBBB'), key: pem('PRIVATE KEY', 'LLLL') };
      writeNodeCredentials(dir, next);
      assert.deepEqual(readNodeCredentials(dir), next);
      assert.deepEqual(readdirSync(dir), [NODE_CREDENTIALS_FILE]); // no temp file, no second file to fall out of step
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the two files an earlier version wrote, and drops them on the next write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-nodecreds-'));
    try {
      const old = { cert: pem('CERTIFICATE', 'OLD1'), key: pem('PRIVATE KEY', 'OLDK') };
      writeFileSync(join(dir, 'node.crt'), old.cert);
      writeFileSync(join(dir, 'node.key'), old.key);
      assert.deepEqual(readNodeCredentials(dir), old);
      writeNodeCredentials(dir, { cert: pem('CERTIFICATE', 'NEW1'), key: pem('PRIVATE KEY', 'NEWK') });
      assert.deepEqual(readdirSync(dir), [NODE_CREDENTIALS_FILE]);
      assert.throws(() => {
        writeFileSync(join(dir, NODE_CREDENTIALS_FILE), pem('CERTIFICATE', 'ONLY'));
        readNodeCredentials(dir);
      }, /does not hold a certificate and its key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
