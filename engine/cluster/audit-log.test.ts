import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuditPolicy, openAuditFile } from './audit-log';

test('the audit file rotates by size, keeps the newest `keep`, loses no line, and is 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-audit-file-'));
  try {
    const file = join(dir, 'audit.log');
    const f = openAuditFile(file, { maxBytes: 1000, keep: 2 });
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(60) }));
    for (const [i, l] of lines.entries()) {
      f.write(l);
      if (i % 5 === 4) await new Promise((r) => setImmediate(r)); // one batch per turn of the loop
    }
    await f.close();
    await new Promise((r) => setTimeout(r, 50)); // the rotated streams' last writes
    assert.ok(existsSync(`${file}.1`) && existsSync(`${file}.2`));
    assert.equal(existsSync(`${file}.3`), false, 'only `keep` old files');
    for (const p of [file, `${file}.1`, `${file}.2`]) {
      assert.equal(statSync(p).mode & 0o777, 0o600);
      assert.ok(statSync(p).size <= 1000 + 5 * 100, 'the limit plus at most one batch');
    }
    const kept = [`${file}.2`, `${file}.1`, file].flatMap((p) => readFileSync(p, 'utf8').split('\n').filter(Boolean));
    const ns = kept.map((l) => (JSON.parse(l) as { n: number }).n);
    assert.deepEqual(
      ns,
      [...ns].sort((a, b) => a - b),
      'in order across files',
    );
    assert.equal(ns.at(-1), 59);
    assert.ok(
      ns.every((n, i) => i === 0 || n === ns[i - 1] + 1),
      'no line lost within what is kept',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--audit-policy values: default, none, a file, and a clear error for a missing or bad one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-audit-policy-'));
  try {
    assert.ok(loadAuditPolicy('default')!.rules.length > 3);
    assert.equal(loadAuditPolicy('none'), undefined);
    writeFileSync(join(dir, 'p.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n');
    assert.deepEqual(loadAuditPolicy(join(dir, 'p.yaml')), { rules: [{ level: 'Metadata' }] });
    assert.throws(() => loadAuditPolicy(join(dir, 'missing.yaml')), /cannot read the audit policy .*missing\.yaml/);
    writeFileSync(join(dir, 'bad.yaml'), 'kind: Policy\n');
    assert.throws(() => loadAuditPolicy(join(dir, 'bad.yaml')), /apiVersion must be audit\.k8s\.io\/v1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
