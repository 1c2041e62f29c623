import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectorError } from './errors';
import type { KubeObject } from '../object-types';
import { compileFieldSelector, escapeFieldValue, parseFieldSelector, unescapeFieldValue } from './field-selector';

const getters = {
  'metadata.name': (o: KubeObject) => o.metadata?.name ?? '',
  'metadata.namespace': (o: KubeObject) => o.metadata?.namespace ?? '',
  'status.phase': (o: KubeObject) => o.status?.phase ?? '',
  'spec.nodeName': (o: KubeObject) => o.spec?.nodeName ?? '',
};
const pod = (name: string, phase: string, nodeName = '') => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName },
  status: { phase },
});

function selectorError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SelectorError, `expected SelectorError, got ${err}`);
    return err.message;
  }
  assert.fail('expected a SelectorError');
}

describe('parseFieldSelector', () => {
  test('parses =, == and != terms, sorted like upstream', () => {
    assert.deepEqual(parseFieldSelector('status.phase!=Running,metadata.name==a,spec.nodeName='), [
      { field: 'metadata.name', operator: '=', value: 'a' },
      { field: 'spec.nodeName', operator: '=', value: '' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    assert.deepEqual(parseFieldSelector(''), []);
    assert.deepEqual(parseFieldSelector('a=b,'), [{ field: 'a', operator: '=', value: 'b' }]);
  });

  test('backslash escapes , = and \\ in values', () => {
    assert.deepEqual(parseFieldSelector('a=x\\,y\\=z\\\\w,b=1'), [
      { field: 'a', operator: '=', value: 'x,y=z\\w' },
      { field: 'b', operator: '=', value: '1' },
    ]);
    assert.equal(unescapeFieldValue(escapeFieldValue('a,b=c\\d')), 'a,b=c\\d');
  });

  test('malformed terms and escapes are SelectorErrors', () => {
    assert.equal(
      selectorError(() => parseFieldSelector('metadata.name')),
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    );
    assert.equal(
      selectorError(() => parseFieldSelector('a=b=c')),
      'invalid field selector: unescaped character in value: =',
    );
    assert.equal(
      selectorError(() => parseFieldSelector('a=b\\x')),
      'invalid field selector: invalid escape sequence: \\x',
    );
    assert.equal(
      selectorError(() => parseFieldSelector('a=b\\')),
      'invalid field selector: invalid escape sequence: \\',
    );
  });
});

describe('compileFieldSelector', () => {
  test('matches with every term (AND)', () => {
    const sel = compileFieldSelector('status.phase!=Succeeded,spec.nodeName=n1', getters);
    assert.equal(sel.matches(pod('a', 'Running', 'n1')), true);
    assert.equal(sel.matches(pod('a', 'Succeeded', 'n1')), false);
    assert.equal(sel.matches(pod('a', 'Running', 'n2')), false);
    assert.equal(sel.empty, false);
  });

  test('an empty selector matches everything', () => {
    const sel = compileFieldSelector('', getters);
    assert.equal(sel.empty, true);
    assert.equal(sel.matches(pod('a', 'Running')), true);
  });

  test('unsupported fields fail with the upstream message', () => {
    assert.equal(
      selectorError(() => compileFieldSelector('metadata.name=a,spec.foo=b', getters)),
      'field label not supported: spec.foo',
    );
    // Keys are not trimmed, as upstream.
    assert.equal(
      selectorError(() => compileFieldSelector('metadata.name =a', getters)),
      'field label not supported: metadata.name ',
    );
    assert.equal(
      selectorError(() => compileFieldSelector('toString=a', getters)),
      'field label not supported: toString',
    );
  });

  test('exactValue exposes a name pin; toString re-escapes', () => {
    const sel = compileFieldSelector('metadata.name=web-0,metadata.namespace!=kube-system', getters);
    assert.equal(sel.exactValue('metadata.name'), 'web-0');
    assert.equal(sel.exactValue('metadata.namespace'), undefined);
    assert.equal(compileFieldSelector('metadata.name==a\\,b', getters).toString(), 'metadata.name=a\\,b');
  });
});
