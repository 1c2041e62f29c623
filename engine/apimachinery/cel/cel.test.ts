import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCel, fromJson, toJson, CelCompileError, CelCostError, CelEvalError, type CelValue } from './cel';

const self = fromJson(
  { replicas: 3, ratio: 1.5, name: 'web-1', items: [1, 2, 3], labels: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  { type: 'object', properties: { ratio: { type: 'number' } } },
);
const run = (src: string, vars: Record<string, CelValue> = { self }) =>
  toJson(compileCel(src, { variables: Object.keys(vars) }).eval(vars));

test('cel: literals, arithmetic over int, uint and double, comparisons across numeric types', () => {
  assert.equal(run('1 + 2 * 3 - 4 / 2 % 3'), 5);
  assert.equal(run('3u * 2u'), 6);
  assert.equal(run('1.5 * 2.0'), 3);
  assert.equal(run('0x10 + -1'), 15);
  assert.equal(run('1 == 1.0 && 2u > 1 && 1.5 < 2'), true);
  assert.equal(run('"a" + "b" == "ab" && [1] + [2] == [1, 2] && {"a": 1} == {"a": 1}'), true);
  assert.equal(run('self.ratio * 2.0'), 3);
  assert.equal(run('true ? "yes" : "no"'), 'yes');
  assert.equal(run('r"a\\nb" == "a\\\\nb" && """x"y""" == \'x"y\''), true);
  assert.equal(run('-9223372036854775808 < 0'), true);
  assert.throws(() => run('9223372036854775807 + 1'), /integer overflow/);
  assert.throws(() => run('1 / 0'), /division by zero/);
  assert.throws(() => run('1 + 1u'), /no matching overload/);
});

test('cel: macros has, all, exists, exists_one, map, filter', () => {
  assert.equal(run('has(self.labels.app) && !has(self.labels.tier)'), true);
  assert.equal(run('self.items.all(i, i > 0) && self.items.exists(i, i == 2) && self.items.exists_one(i, i > 2)'), true);
  assert.deepEqual(run('self.items.map(i, i * 10)'), [10, 20, 30]);
  assert.deepEqual(run('self.items.map(i, i > 1, i * 10)'), [20, 30]);
  assert.deepEqual(run('self.items.filter(i, i % 2 == 1)'), [1, 3]);
  assert.equal(run('self.labels.all(k, k.startsWith("a"))'), true);
  assert.equal(run('self.ports.exists(p, p.name == "http" && p.port == 80)'), true);
  // Errors are absorbed when another element decides, as CEL specifies.
  assert.equal(run('[0, 1].exists(i, 1 / i == 1)'), true);
  assert.equal(run('false && (1 / 0 == 1)'), false);
  assert.equal(run('(1 / 0 == 1) || true'), true);
  assert.throws(() => run('[0, 1].all(i, 1 / i == 1)'), /division by zero/);
});

test('cel: size and string functions, regex in linear time', () => {
  assert.equal(run('size(self.name) == 5 && self.name.size() == 5 && size(self.items) == 3 && size(self.labels) == 1'), true);
  assert.equal(run('self.name.startsWith("web") && self.name.endsWith("-1") && self.name.contains("b-")'), true);
  assert.equal(run('self.name.matches("^[a-z]+-[0-9]$") && matches("ABC", "(?i)^abc$")'), true);
  assert.equal(run('"Hello".lowerAscii() + "x".upperAscii()'), 'helloX');
  assert.deepEqual(run('"a,b,c".split(",")'), ['a', 'b', 'c']);
  assert.equal(run('["a", "b"].join("-") + "xyz".substring(1, 2) + string(12) + " ".trim()'), 'a-by12');
  assert.equal(run('"héllo".size() == 5 && "héllo".indexOf("l") == 2'), true);
  assert.equal(run('[3, 1, 2].sum() == 6 && [3, 1, 2].min() == 1 && [1, 2].isSorted()'), true);
  // Catastrophic for a backtracking engine; linear here.
  assert.equal(run(`"${'a'.repeat(5000)}!".matches("^(a+)+$")`), false);
  assert.throws(() => run('"a".matches("(a)\\\\1")'), /invalid regular expression/);
});

test('cel: field access errors, optionals, types and conversions', () => {
  assert.throws(
    () => run('self.missing == 1'),
    (e: Error) => e instanceof CelEvalError && /no such key: missing/.test(e.message),
  );
  assert.throws(() => run('self.items[7]'), /index out of range/);
  assert.equal(run('self.?missing.orValue(7) == 7 && self.?replicas.hasValue() && optional.none().orValue(1) == 1'), true);
  assert.equal(run('type(self.replicas) == int && type("") == string && int("42") == 42 && double(1) == 1.0 && uint(3) == 3u'), true);
  assert.equal(run('1 in self.items && "app" in self.labels && !(9 in self.items)'), true);
});

test('cel: compile errors name the position and the problem', () => {
  const bad = (src: string, re: RegExp, opts = {}) =>
    assert.throws(
      () => compileCel(src, { variables: ['self'], ...opts }),
      (e: Error) => e instanceof CelCompileError && re.test(e.message),
      src,
    );
  bad('self.replicas >', /^ERROR: <input>:1:16: Syntax error: mismatched input '<EOF>'/);
  bad('nope == 1', /undeclared reference to 'nope'/);
  bad('self.items.frobnicate()', /undeclared reference to 'frobnicate'/);
  bad('self.name.startsWith()', /no matching overload for 'startsWith'/);
  bad('"abc"', /must evaluate to a bool/, { wantBool: true });
  bad('self.replicsa > 1', /undefined field 'replicsa'/, {
    schemas: { self: { type: 'object', properties: { replicas: { type: 'integer' } } } },
  });
  bad('"\\q"', /invalid escape/);
  bad('a.b.c #', /token recognition error/);
});

test('cel: depth and cost bounds stop hostile expressions quickly', () => {
  // Deep nesting is refused at compile time, with no stack overflow.
  for (const src of [
    '('.repeat(5000) + '1' + ')'.repeat(5000),
    '1' + ' + 1'.repeat(20000),
    '!'.repeat(5000) + 'true',
    '['.repeat(3000) + ']'.repeat(3000),
    'a' + '.b'.repeat(5000),
  ]) {
    assert.throws(() => compileCel(src, { variables: ['a'] }), CelCompileError);
  }
  // Exponential work runs out of budget instead of running for minutes.
  let nested = 'a';
  for (const v of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) nested = `[1,2,3,4,5,6,7,8,9,10].map(${v}, ${nested})`;
  assert.throws(() => compileCel(`${nested}.size() > 0`, { variables: ['a'] }).eval({ a: 1n }), CelCostError);
  // Doubling strings: bounded by the budget, charged by length (before the string is built).
  let s = `"${'x'.repeat(50_000)}"`;
  for (let i = 0; i < 12; i++) s = `[${s}].map(q, q + q)[0]`;
  assert.throws(() => compileCel(`size(${s}) > 0`, { variables: [] }).eval({}), CelCostError);
  // A shared budget runs down across expressions.
  const budget = { remaining: 50 };
  const p = compileCel('self.items.all(i, i > 0)', { variables: ['self'] });
  assert.throws(() => {
    for (let i = 0; i < 10; i++) p.eval({ self }, budget);
  }, CelCostError);
});

test('cel: fuzz-ish random inputs never escape as anything but CEL errors', () => {
  const alphabet = [
    'self',
    '.',
    'items',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '1',
    '"s"',
    '+',
    '&&',
    '||',
    '!',
    '-',
    ',',
    ':',
    '?',
    'map',
    'all',
    'x',
    'has',
    'size',
    ' ',
    '==',
    '0.5',
    'in',
    "'",
    '\\',
  ];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    let src = '';
    for (let j = rnd(40); j >= 0; j--) src += alphabet[rnd(alphabet.length)];
    try {
      compileCel(src, { variables: ['self', 'x'] }).eval({ self, x: 1n });
    } catch (e) {
      assert.ok(e instanceof CelCompileError || e instanceof CelEvalError, `${src}: ${(e as Error).stack}`);
    }
  }
});
