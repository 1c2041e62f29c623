#!/usr/bin/env node
// npm test's lint step: ESLint (eslint.config.mjs) over the tree, held to a ratchet. The tree
// predates the linter, so lint-baseline.json records how many problems each file has per rule;
// a file may only go down. New files start at zero. Every eslint-disable comment must say why
// (`-- reason`). `node scripts/lint.mjs --update` rewrites the baseline (review its diff: it
// should only shrink). `--root DIR` lints another tree with this config (the tooling tests).
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

if (update) {
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(baselinePath, JSON.stringify(sorted, null, 1) + '\n');
  console.log(
    `lint: baseline written (${Object.values(counts).reduce((a, b) => a + b, 0)} problems in ${Object.keys(counts).length} file/rule pairs)`,
  );
  process.exit(unexplained.length ? 1 : 0);
}

const baseline = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : {};
const grown = Object.entries(counts)
  .filter(([key, n]) => n > (baseline[key] ?? 0))
  .map(([key, n]) => `${examples[key]}  (${key.split(' ')[1]}: ${n}, allowed ${baseline[key] ?? 0})`);
const total = Object.values(counts).reduce((a, b) => a + b, 0);
const allowed = Object.values(baseline).reduce((a, b) => a + b, 0);
if (grown.length || unexplained.length) {
  console.error(['lint: new problems (fix them; the baseline only shrinks):', ...grown, ...unexplained].join('\n  '));
  process.exit(1);
}
console.log(
  `lint: ok (${total} old problems left of ${allowed} in the baseline${total < allowed ? '; run node scripts/lint.mjs --update to lock in the drop' : ''})`,
);
