import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentBundle } from './agent-bundle';

/** A checkout with an agent entry that imports one module from the layer above it. */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'skiff-agent-bundle-'));
  mkdirSync(join(root, 'engine/network/agent'), { recursive: true });
  writeFileSync(join(root, 'engine/network/agent/main.ts'), `import { word } from '../word';\nconsole.log(word);\n`);
  writeFileSync(join(root, 'engine/network/word.ts'), `export const word: string = 'one';\n`);
  return root;
}

test('the agent is bundled once and reused until one of its sources changes', async (t) => {
  const root = checkout();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  let builds = 0;
  const load = () => loadAgentBundle({ root, onBuild: () => builds++ });

  const first = await load();
  assert.equal(builds, 1);
  assert.match(first.code, /"one"|'one'/);
  assert.ok(existsSync(join(root, 'dist/net-agent/agent.mjs')), 'kept beside the CLI bundle');

  const again = await load();
  assert.equal(builds, 1, 'unchanged sources: the kept bundle, no esbuild');
  assert.equal(again.hash, first.hash);

  writeFileSync(join(root, 'engine/network/word.ts'), `export const word: string = 'two';\n`);
  const changed = await load();
  assert.equal(builds, 2, 'an imported module changed: built again');
  assert.match(changed.code, /"two"|'two'/);
  assert.notEqual(changed.hash, first.hash);

  await load();
  assert.equal(builds, 2);

  // A packaged Skiff: no sources, only the kept bundle.
  rmSync(join(root, 'engine'), { recursive: true });
  const packaged = await load();
  assert.equal(builds, 2);
  assert.equal(packaged.hash, changed.hash);
});
