import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectorError } from './errors';
import {
  NOTHING,
  formatLabelSelector,
  labelSelectorFromObject,
  labelSelectorFromSet,
  parseLabelSelector,
  selectorToString,
} from './label-selector';

function selectorError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SelectorError, `expected SelectorError, got ${err}`);
    assert.equal(err.code, 400);
    return err.message;
  }
  assert.fail('expected a SelectorError');
}

describe('parseLabelSelector', () => {
  const pod = { app: 'web', tier: 'fe', 'example.com/role': 'x', n: '5' };

  test('each operator matches as upstream defines it', () => {
    const cases: [string, boolean][] = [
      ['app=web', true],
      ['app==web', true],
      ['app=db', false],
      ['app!=db', true],
      ['missing!=x', true],
      ['app in (db,web)', true],
      ['app in (db)', false],
      ['missing in (x)', false],
      ['app notin (db)', true],
      ['app notin (web)', false],
      ['missing notin (web)', true],
      ['app', true],
      ['missing', false],
      ['!missing', true],
      ['!app', false],
      ['example.com/role=x', true],
      ['n>4', true],
      ['n>5', false],
      ['n<6', true],
      ['app>1', false],
      ['missing<1', false],
      ['', true],
    ];
    for (const [text, expected] of cases) assert.equal(parseLabelSelector(text).matches(pod), expected, text);
  });

  test('comma means AND and whitespace is ignored', () => {
    const sel = parseLabelSelector('  app = web ,tier in ( fe , be ),  !gone ');
    assert.equal(sel.matches({ app: 'web', tier: 'be' }), true);
    assert.equal(sel.matches({ app: 'web', tier: 'be', gone: '' }), false);
    assert.equal(sel.matches({ app: 'web', tier: 'qa' }), false);
    assert.equal(sel.matches(undefined), false);
  });

  test('empty selects everything', () => {
    const sel = parseLabelSelector('');
    assert.equal(sel.empty, true);
    assert.equal(sel.matches(undefined), true);
    assert.equal(parseLabelSelector('a').empty, false);
  });

  test('toString is canonical: sorted by key, set values sorted', () => {
    assert.equal(
      parseLabelSelector('z in (c,a,b),a!=1,m,!k,b==2,n notin (y,x),g>3').toString(),
      'a!=1,b==2,g>3,!k,m,n notin (x,y),z in (a,b,c)',
    );
  });

  test('in/notin are ordinary words as keys and values; empty set members mean the empty value', () => {
    assert.equal(parseLabelSelector('in=notin').matches({ in: 'notin' }), true);
    assert.equal(parseLabelSelector('a in (in)').matches({ a: 'in' }), true);
    const sel = parseLabelSelector('a in (,x)');
    assert.equal(sel.matches({ a: '' }), true);
    assert.equal(sel.toString(), 'a in (,x)');
    assert.equal(parseLabelSelector('a=').matches({ a: '' }), true);
  });

  test('syntax errors read like upstream', () => {
    assert.equal(
      selectorError(() => parseLabelSelector('a b')),
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('a=b c')),
      "found 'c', expected: ',' or 'end of string'",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('a,')),
      "found '', expected: identifier after ','",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('=a')),
      "found '=', expected: !, identifier, or 'end of string'",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('a in x')),
      "unable to parse requirement: found 'x' expected: '('",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('a in (x y)')),
      "unable to parse requirement: found 'y', expected: ',' or ')'",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('a (b)')),
      "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('a=(b)')),
      "unable to parse requirement: found '(', expected: identifier",
    );
    assert.equal(
      selectorError(() => parseLabelSelector('!a=b')),
      "found '=', expected: ',' or 'end of string'",
    );
  });

  test('invalid keys and values are rejected with the validation text', () => {
    assert.equal(
      selectorError(() => parseLabelSelector('-app=x')),
      'unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, ' +
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or " +
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
    assert.match(
      selectorError(() => parseLabelSelector('Bad_Prefix/app=x')),
      /prefix part a lowercase RFC 1123 subdomain/,
    );
    assert.match(
      selectorError(() => parseLabelSelector(`${'k'.repeat(64)}=x`)),
      /name part must be no more than 63 characters/,
    );
    assert.match(
      selectorError(() => parseLabelSelector('app=-x')),
      /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-x": a valid label must be an empty string/,
    );
    assert.match(
      selectorError(() => parseLabelSelector(`app in (ok,${'v'.repeat(64)})`)),
      /must be no more than 63 characters/,
    );
    assert.match(
      selectorError(() => parseLabelSelector('n>x')),
      /for 'Gt', 'Lt' operators, the value must be an integer/,
    );
  });
});

describe('LabelSelector objects', () => {
  test('matchLabels and matchExpressions combine with AND', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['fe', 'be'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'track', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(sel.matches({ app: 'web', tier: 'fe', track: 'a' }), true);
    assert.equal(sel.matches({ app: 'web', tier: 'fe', track: 'a', env: 'prod' }), false);
    assert.equal(sel.matches({ app: 'web', tier: 'fe' }), false);
    assert.equal(sel.matches({ app: 'web', tier: 'fe', track: 'a', canary: '1' }), false);
    assert.equal(sel.toString(), 'app=web,!canary,env notin (prod),tier in (be,fe),track');
  });

  test('null selects nothing, {} selects everything', () => {
    assert.equal(labelSelectorFromObject(null), NOTHING);
    assert.equal(labelSelectorFromObject(undefined).matches({ a: 'b' }), false);
    const all = labelSelectorFromObject({});
    assert.equal(all.empty, true);
    assert.equal(all.matches({ a: 'b' }), true);
  });

  test('bad operators and values are SelectorErrors', () => {
    assert.equal(
      selectorError(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] })),
      '"Equals" is not a valid label selector operator',
    );
    assert.equal(
      selectorError(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })),
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
    assert.match(
      selectorError(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })),
      /values set must be empty for exists and does not exist/,
    );
    assert.match(
      selectorError(() => labelSelectorFromObject({ matchLabels: { 'a b': 'x' } })),
      /^key: Invalid value: "a b"/,
    );
  });

  test('selectorToString and formatLabelSelector (Scale.status.selector, -o wide)', () => {
    assert.equal(selectorToString({ matchLabels: { b: '2', a: '1' } }), 'a=1,b=2');
    assert.equal(selectorToString({}), '');
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector(null), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
  });

  test('labelSelectorFromSet matches a Service-style selector map', () => {
    const sel = labelSelectorFromSet({ app: 'web' });
    assert.equal(sel.matches({ app: 'web', x: 'y' }), true);
    assert.equal(sel.matches({ app: 'db' }), false);
    assert.equal(labelSelectorFromSet(undefined).empty, true);
  });
});
