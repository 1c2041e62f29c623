#!/usr/bin/env node
// npm test's lint step: ESLint (eslint.config.mjs) over the tree, held to a ratchet. The tree
// predates the linter, so lint-baseline.json records how many problems each file has per rule;
// a file may only go down. New files start at zero. Every eslint-disable comment must say why
// (`-- reason`). `node scripts/lint.mjs --update` rewrites the baseline (review its diff: it
// should only shrink). `--root DIR` lints another tree with this config (the tooling tests).
// `any` in engine/ code outside tests is refused outright: no baseline admits it there, bar the
// files ANY_DEBT names (work in hand elsewhere; the list only shrinks).
import { ESLint } from 'eslint';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const repo = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(flag('--root') ?? repo);
const baselinePath = resolve(flag('--baseline') ?? join(root, 'lint-baseline.json'));
const update = args.includes('--update');

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: join(repo, 'eslint.config.mjs'),
  ...(root !== repo
    ? { overrideConfig: { languageOptions: { parserOptions: { project: ['./tsconfig.json'], tsconfigRootDir: root } } } }
    : {}),
});
const results = await eslint.lintFiles(['.']);

/**
 * Engine files that still hold explicit `any`s, each with why it is left: the baseline counts them
 * and they may only go down; once a file is clean its entry must go (a stale entry fails).
 */
const NETWORK = 'engine/network was being reworked alongside';
const ANY_DEBT = {
  'engine/apiserver/patch/index.ts': 'patches of arbitrary JSON: should be unknown and narrowed',
  'engine/apiserver/patch/strategic-merge.ts': 'patches of arbitrary JSON: should be unknown and narrowed',
  'engine/apiserver/protobuf/decode-message.ts': 'messages decoded by schema: should build unknown values',
  'engine/apiserver/protobuf/index.ts': 'messages decoded by schema: should build unknown values',
  'engine/network/agent-container.ts': NETWORK,
  'engine/network/agent-image.ts': NETWORK,
  'engine/network/host-listeners.ts': NETWORK,
  'engine/network/service-env.ts': NETWORK,
};
const ANY_RULE = '@typescript-eslint/no-explicit-any';
const isTestCode = (file) => /\.test\.tsx?$/.test(file) || file.split('/').includes('testing');
/** Where an explicit `any` is an error no baseline admits. */
const anyRefused = (file) => file.startsWith('engine/') && !isTestCode(file) && !Object.hasOwn(ANY_DEBT, file);

const counts = {};
const examples = {};
const unexplained = [];
for (const r of results) {
  const file = relative(root, r.filePath);
  for (const m of r.messages) {
    const key = `${file} ${m.ruleId ?? 'parse'}`;
    counts[key] = (counts[key] ?? 0) + 1;
    examples[key] ??= `${file}:${m.line}:${m.column} ${m.message}`;
  }
  const text = r.source ?? readFileSync(r.filePath, 'utf8');
  text.split('\n').forEach((line, i) => {
    if (/(?<![\'"`])(\/\/|\/\*)\s*eslint-disable/.test(line) && !/eslint-disable[^\n]*\s--\s+\S/.test(line)) {
      unexplained.push(`${file}:${i + 1}: an eslint-disable comment without a reason (add "-- why")`);
    }
  });
}

const refused = Object.entries(counts)
  .filter(([key]) => key.endsWith(` ${ANY_RULE}`) && anyRefused(key.split(' ')[0]))
  .map(([key, n]) => `${examples[key]}  (no-explicit-any: ${n}; engine code outside tests takes real types)`);
const stale =
  root === repo
    ? Object.keys(ANY_DEBT)
        .filter((file) => !counts[`${file} ${ANY_RULE}`])
        .map((file) => `${file}: has no explicit any left: remove it from ANY_DEBT in scripts/lint.mjs`)
    : [];

if (update) {
  const sorted = Object.fromEntries(
    Object.entries(counts)
      .filter(([key]) => !(key.endsWith(` ${ANY_RULE}`) && anyRefused(key.split(' ')[0])))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  writeFileSync(baselinePath, JSON.stringify(sorted, null, 1) + '\n');
  console.log(
    `lint: baseline written (${Object.values(counts).reduce((a, b) => a + b, 0)} problems in ${Object.keys(counts).length} file/rule pairs)`,
  );
  if (refused.length || unexplained.length) console.error(['lint: not admitted by any baseline:', ...refused, ...unexplained].join('\n  '));
  process.exit(refused.length || unexplained.length ? 1 : 0);
}

const baseline = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : {};
const grown = Object.entries(counts)
  .filter(([key, n]) => n > (baseline[key] ?? 0) && !(key.endsWith(` ${ANY_RULE}`) && anyRefused(key.split(' ')[0])))
  .map(([key, n]) => `${examples[key]}  (${key.split(' ')[1]}: ${n}, allowed ${baseline[key] ?? 0})`);
const total = Object.values(counts).reduce((a, b) => a + b, 0);
const allowed = Object.values(baseline).reduce((a, b) => a + b, 0);
if (grown.length || unexplained.length || refused.length || stale.length) {
  console.error(['lint: new problems (fix them; the baseline only shrinks):', ...refused, ...grown, ...unexplained, ...stale].join('\n  '));
  process.exit(1);
}
console.log(
  `lint: ok (${total} old problems left of ${allowed} in the baseline${total < allowed ? '; run node scripts/lint.mjs --update to lock in the drop' : ''})`,
);
