// The lint step refuses new problems and unexplained eslint-disable comments: planted in a
// scratch tree linted with the project's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = new URL('../../scripts/lint.mjs', import.meta.url).pathname;
const tsconfig = JSON.stringify({
  compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022'], types: [] },
  include: ['**/*.ts'],
});

function lintTree(files: Record<string, string>, baseline: Record<string, number> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lint-'));
  try {
    for (const [path, text] of Object.entries({ 'tsconfig.json': tsconfig, ...files })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    writeFileSync(join(dir, 'lint-baseline.json'), JSON.stringify(baseline));
    const r = spawnSync(process.execPath, [script, '--root', dir], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a planted explicit any fails the lint step; outside engine code the baseline allows what it records, no more', () => {
  const planted = { 'electron/planted.ts': 'export function f(x: any): number {\n  return Number(x);\n}\n' };
  const r = lintTree(planted);
  assert.equal(r.status, 1, r.output);
  assert.match(r.output, /electron\/planted\.ts:1:\d+ Unexpected any.*no-explicit-any: 1, allowed 0/);
  assert.equal(lintTree(planted, { 'electron/planted.ts @typescript-eslint/no-explicit-any': 1 }).status, 0);
});

test('an explicit any in engine code outside tests is refused even when the baseline records it; tests keep a counted baseline', () => {
  const anyIn = (path: string) => ({ [path]: 'export function f(x: any): number {\n  return Number(x);\n}\n' });
  const admitted = (path: string) => ({ [`${path} @typescript-eslint/no-explicit-any`]: 1 });
  const engine = lintTree(anyIn('engine/kubelet/planted.ts'), admitted('engine/kubelet/planted.ts'));
  assert.equal(engine.status, 1, engine.output);
  assert.match(engine.output, /engine\/kubelet\/planted\.ts:1:\d+ Unexpected any.*engine code outside tests takes real types/);
  for (const path of ['engine/kubelet/planted.test.ts', 'engine/kubelet/testing/planted.ts', 'renderer/planted.ts']) {
    const r = lintTree(anyIn(path), admitted(path));
    assert.equal(r.status, 0, `${path}: ${r.output}`);
  }
});

test('an eslint-disable comment needs a reason', () => {
  const r = lintTree({
    'engine/a.ts': '// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport const a = (x: any): number => Number(x);\n',
    'engine/b.ts':
      '// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON body is untyped here\nexport const b = (x: any): number => Number(x);\n',
  });
  assert.equal(r.status, 1);
  assert.match(r.output, /engine\/a\.ts:1: an eslint-disable comment without a reason/);
  assert.doesNotMatch(r.output, /engine\/b\.ts/);
});
