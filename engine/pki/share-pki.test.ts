import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePki } from './load-or-create-pki';
import { adoptSharedPki } from './share-pki';

test("a second instance takes the first one's CA, service-account key and admin credentials, issues its own serving cert, and refuses another CA", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-share-pki-'));
  try {
    const first = await loadOrCreatePki(join(dir, 'a'));
    assert.equal(adoptSharedPki(join(dir, 'a'), join(dir, 'b')), 'copied');
    assert.equal(statSync(join(dir, 'b', 'ca.key')).mode & 0o777, 0o600);
    const second = await loadOrCreatePki(join(dir, 'b'));
    assert.equal(second.caCert, first.caCert);
    assert.equal(second.serviceAccountKey, first.serviceAccountKey);
    assert.equal(second.adminToken, first.adminToken);
    assert.notEqual(second.serverKey, first.serverKey, 'its serving key is its own');
    assert.equal(adoptSharedPki(join(dir, 'a'), join(dir, 'b')), 'same');
    await loadOrCreatePki(join(dir, 'c'));
    assert.throws(() => adoptSharedPki(join(dir, 'a'), join(dir, 'c')), /already holds another cluster CA/);
    assert.throws(() => adoptSharedPki(join(dir, 'nothing'), join(dir, 'd')), /not a Skiff pki directory/);
    assert.equal(readFileSync(join(dir, 'b', 'sa.key'), 'utf8'), readFileSync(join(dir, 'a', 'sa.key'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
