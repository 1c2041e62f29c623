import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonTooDeep, valueTooDeep, yamlTooDeep, maxYamlDepth } from './nesting-depth';
import { decodeBody } from './body';

const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

test('JSON depth counts brackets outside strings only', () => {
  assert.equal(jsonTooDeep(Buffer.from(nest(10)), 10), false);
  assert.equal(jsonTooDeep(Buffer.from(nest(11)), 10), true);
  assert.equal(jsonTooDeep(Buffer.from(`{"a":"${'['.repeat(50)}\\"${'{'.repeat(50)}"}`), 10), false);
  assert.equal(jsonTooDeep(Buffer.from('['.repeat(11)), 10), true, 'unterminated input counts too');
});

test('YAML depth: flow, block indentation, compact indicators; quotes, comments and block scalars do not count', () => {
  assert.equal(yamlTooDeep('a: ' + nest(20), 20), true);
  assert.equal(yamlTooDeep('a: ' + nest(18), 20), false);
  assert.equal(yamlTooDeep('- '.repeat(25) + 'x', 20), true);
  let indented = '';
  for (let i = 0; i < 25; i++) indented += ' '.repeat(i) + 'k:\n';
  assert.equal(yamlTooDeep(indented, 20), true);
  const benign = [
    'a: "[[[[[[[[[[[[[[[[[[[[[[[[["',
    "b: '{{{{{{{{{{{{{{{{{{{{{{{{{{{'",
    'c: plain [[[[[[[[[[[[[[[[[[[[[[[[[',
    '# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
    'd: |',
    '  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
    '      - - - - - - - - - - - - - - - - - - - - - - x',
    'e: [1, {f: "]]]]"}, [g]]',
  ].join('\n');
  assert.equal(yamlTooDeep(benign, 20), false);
});

test('decoded values: iterative depth check', () => {
  let v: unknown = 1;
  for (let i = 0; i < 50_000; i++) v = [v];
  assert.equal(valueTooDeep(v, 10_000), true);
  assert.equal(valueTooDeep({ a: [{ b: 1 }] }, 3), false);
});

test('YAML just under the bound still parses in the API server (the parser recurses per level)', () => {
  const depth = maxYamlDepth - 5;
  const v = decodeBody(Buffer.from('a: ' + nest(depth)), 'application/yaml') as { a: unknown };
  let d = 0;
  for (let x = v.a; Array.isArray(x); x = (x as unknown[])[0]) d++;
  assert.equal(d, depth);
  const dashes = decodeBody(Buffer.from('- '.repeat(depth) + 'x'), 'application/yaml');
  assert.ok(Array.isArray(dashes));
  assert.throws(() => decodeBody(Buffer.from('a: ' + nest(maxYamlDepth + 1)), 'application/yaml'), /exceeded max depth of 500/);
});
