import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorkspace, createWorkspaceFile } from './workspace-file';

const withDir = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-ws-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

void test('a saved workspace is read back by a new host on the same data dir, file 0600', () =>
  withDir((dir) => {
    const ws = {
      version: 1 as const,
      route: '/c/skiff-local/core/pods?ns=default',
      dock: {
        tabs: [{ id: 'shell:a', type: 'shell', title: 'a', profile: 'skiff-local', scrollback: '$ echo hi\nhi' }],
        active: 'shell:a',
      },
      editor: { mode: 'create' as const, profile: 'skiff-local', draft: 'kind: ConfigMap\n' },
    };
    const saved = createWorkspaceFile(dir).write(ws);
    assert.ok(saved.savedAt);
    const again = createWorkspaceFile(dir).read();
    assert.deepEqual({ ...again, savedAt: undefined }, { ...ws, savedAt: undefined });
    assert.equal(statSync(join(dir, 'workspace.json')).mode & 0o777, 0o600);
  }));

void test('no file: an empty workspace; a damaged file: empty with the reason, replaced by the next save', () =>
  withDir((dir) => {
    const f = createWorkspaceFile(dir);
    assert.deepEqual(f.read(), { version: 1 });
    writeFileSync(join(dir, 'workspace.json'), '{"version": 1, "dock": ');
    const r = f.read();
    assert.equal(r.version, 1);
    assert.match(r.problem ?? '', /damaged/);
    f.write({ version: 1, route: '/start' });
    assert.equal((JSON.parse(readFileSync(join(dir, 'workspace.json'), 'utf8')) as { route?: string }).route, '/start');
  }));

void test('bad bodies are refused with a 400 naming the field', () => {
  const bad: Array<[unknown, RegExp]> = [
    [[], /JSON object/],
    [{ version: 2 }, /version must be 1/],
    [{ version: 1, route: 5 }, /route/],
    [{ version: 1, dock: { tabs: [{ id: 'x' }] } }, /dock.tabs\[0\]/],
    [{ version: 1, dock: { tabs: Array.from({ length: 51 }, (_, i) => ({ id: `${i}`, type: 'logs', profile: 'p' })) } }, /too many/],
    [{ version: 1, editor: { mode: 'delete', profile: 'p' } }, /editor/],
    [{ version: 1, editor: { mode: 'edit', profile: 'p', draft: 'x'.repeat(600_000) } }, /draft/],
  ];
  for (const [body, msg] of bad) {
    assert.throws(
      () => checkWorkspace(body),
      (e: Error & { status?: number }) => e.status === 400 && msg.test(e.message),
      JSON.stringify(body).slice(0, 80),
    );
  }
});
