import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceSelectorMatches, objectSelectorMatches } from './selectors-match';
import type { AdmissionAttributes, Webhook } from './types';

import { podKind as podDef } from '../../../kinds/defs/kinds-core-pod';
import { namespaceKind as nsDef } from '../../../kinds/defs/kinds-core';
import { nodeKind as nodeDef } from '../../../kinds/defs/kinds-core-node';
import type { KubeObject } from '../../../kinds/types';

const hook = (w: Partial<Webhook>): Webhook => ({ name: 'h.x.y', clientConfig: {}, ...w });
const withLabels = (labels?: Record<string, string>, namespace?: string): KubeObject => ({ metadata: { name: 'o', namespace, labels } });
const attrs = (a: Partial<AdmissionAttributes>): AdmissionAttributes => ({
  operation: 'CREATE',
  def: podDef,
  subresource: '',
  name: 'o',
  dryRun: false,
  ...a,
});
const nsLabels = (name: string): Promise<Record<string, string> | undefined> =>
  Promise.resolve(({ prod: { env: 'prod' }, dev: { env: 'dev' } } as Record<string, Record<string, string>>)[name]);

test('objectSelector matches the new or the old object; an empty one matches everything', () => {
  const w = hook({ objectSelector: { matchLabels: { hook: 'yes' } } });
  assert.equal(objectSelectorMatches(w, attrs({ object: withLabels({ hook: 'yes' }) })), true);
  assert.equal(objectSelectorMatches(w, attrs({ object: withLabels({ hook: 'no' }) })), false);
  assert.equal(
    objectSelectorMatches(w, attrs({ object: withLabels({}), oldObject: withLabels({ hook: 'yes' }) })),
    true,
    'label being removed',
  );
  assert.equal(objectSelectorMatches(w, attrs({ operation: 'DELETE', oldObject: withLabels({ hook: 'yes' }) })), true);
  assert.equal(objectSelectorMatches(hook({ objectSelector: {} }), attrs({ object: withLabels() })), true);
  const expr = hook({ objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } });
  assert.equal(objectSelectorMatches(expr, attrs({ object: withLabels({ skip: '1' }) })), false);
  assert.equal(objectSelectorMatches(expr, attrs({ object: withLabels({ a: '1' }) })), true);
});

test("namespaceSelector reads the request namespace's labels, a Namespace's own, and passes cluster-scoped kinds", async () => {
  const w = hook({ namespaceSelector: { matchLabels: { env: 'prod' } } });
  assert.equal(await namespaceSelectorMatches(w, attrs({ namespace: 'prod' }), nsLabels), true);
  assert.equal(await namespaceSelectorMatches(w, attrs({ namespace: 'dev' }), nsLabels), false);
  assert.equal(await namespaceSelectorMatches(w, attrs({ def: nsDef, object: withLabels({ env: 'prod' }) }), nsLabels), true);
  assert.equal(await namespaceSelectorMatches(w, attrs({ def: nsDef, object: withLabels({ env: 'dev' }) }), nsLabels), false);
  assert.equal(await namespaceSelectorMatches(w, attrs({ def: nodeDef }), nsLabels), true);
  const notIn = hook({ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } });
  assert.equal(await namespaceSelectorMatches(notIn, attrs({ namespace: 'dev' }), nsLabels), true);
  assert.equal(await namespaceSelectorMatches(notIn, attrs({ namespace: 'prod' }), nsLabels), false);
});
