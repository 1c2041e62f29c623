// The import check refuses imports that run up the layers: planted violations in a scratch tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = new URL('../../scripts/check-imports.mjs', import.meta.url).pathname;

function checkTree(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-imports-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the real tree passes', () => {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('an upward import inside engine fails the check', () => {
  const r = checkTree({
    'engine/kinds/planted.ts': "import { startApiServer } from '../apiserver/server';\n",
    'engine/apiserver/server.ts': 'export const startApiServer = 1;\n',
  });
  assert.equal(r.status, 1);
  assert.match(r.output, /engine\/kinds\/planted\.ts: imports '\.\.\/apiserver\/server' — engine\/kinds\/ may import only apimachinery/);
});

test('a peer import (kubelet → scheduler) fails; tests and testing/ folders may reach any layer', () => {
  const r = checkTree({
    'engine/kubelet/planted.ts': "import { x } from '../scheduler/index';\n",
    'engine/kubelet/planted.test.ts': "import { x } from '../cluster/paths';\n",
    'engine/kubelet/testing/kit.ts': "import { x } from '../../apiserver/testing/test-cluster';\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.output, /engine\/kubelet\/planted\.ts/);
  assert.doesNotMatch(r.output, /planted\.test\.ts|testing\/kit\.ts/);
});

test('the renderer may import the pure module but no other engine folder, and only types from the host protocol', () => {
  const r = checkTree({
    'renderer/ok.ts':
      "import { parseQuantity } from '../engine/apimachinery/quantity';\nimport type { X } from '../electron/host/protocol';\n",
    'renderer/bad.ts': "import { kinds } from '../engine/kinds/registry';\nimport { X } from '../electron/host/protocol';\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.output, /renderer\/bad\.ts: imports '\.\.\/engine\/kinds\/registry'/);
  assert.match(r.output, /renderer\/bad\.ts: imports '\.\.\/electron\/host\/protocol' — the renderer only uses `import type`/);
  assert.doesNotMatch(r.output, /renderer\/ok\.ts/);
});

test('an undeclared engine folder fails until it is given a layer', () => {
  const r = checkTree({ 'engine/newthing/a.ts': "import { x } from '../kinds/types';\n" });
  assert.equal(r.status, 1);
  assert.match(r.output, /engine\/newthing\/ is not a declared layer/);
});
