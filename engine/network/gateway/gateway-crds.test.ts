import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructural } from '../../kinds/custom/structural-check';
import {
  BUNDLE_VERSION,
  BUNDLE_VERSION_ANNOTATION,
  INSTALLED_BY_ANNOTATION,
  compareBundleVersions,
  crdAction,
  gatewayCrds,
} from './gateway-crds';
import type { KubeObject } from '../../kinds/types';

test('every CRD schema is structural', () => {
  for (const crd of gatewayCrds())
    for (const v of (crd.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions)
      assert.deepEqual(checkStructural(v.schema.openAPIV3Schema, 'openAPIV3Schema'), [], crd.metadata.name);
});

test('ours are created, upgraded when older, kept when newer or installed by someone else', () => {
  const want = gatewayCrds()[0];
  const have = (ann: Record<string, string>, spec: unknown = want.spec): KubeObject => ({
    ...want,
    metadata: { ...want.metadata, annotations: ann },
    spec: spec as never,
  });
  assert.equal(crdAction(undefined, want), 'create');
  assert.equal(crdAction(have({ [INSTALLED_BY_ANNOTATION]: 'skiff', [BUNDLE_VERSION_ANNOTATION]: BUNDLE_VERSION }), want), 'keep');
  assert.equal(crdAction(have({ [INSTALLED_BY_ANNOTATION]: 'skiff', [BUNDLE_VERSION_ANNOTATION]: 'v1.0.0' }, {}), want), 'update');
  // As the API server stores it: its conversion default, keys in another order. Unchanged.
  const reordered = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reordered)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reordered(x)]),
          )
        : v;
  const stored = reordered({ ...want.spec, conversion: { strategy: 'None' } });
  const ours = { [INSTALLED_BY_ANNOTATION]: 'skiff', [BUNDLE_VERSION_ANNOTATION]: BUNDLE_VERSION };
  assert.equal(crdAction(have(ours, stored), want), 'keep', 'defaults and key order are no change');
  assert.equal(crdAction(have(ours, { ...(stored as object), scope: 'Namespaced' }), want), 'update', 'a real change is one');
  assert.equal(crdAction(have({ [INSTALLED_BY_ANNOTATION]: 'skiff', [BUNDLE_VERSION_ANNOTATION]: 'v9.0.0' }, {}), want), 'keep');
  assert.equal(crdAction(have({ [BUNDLE_VERSION_ANNOTATION]: 'v1.0.0' }, {}), want), 'keep', "a user's own install is theirs");
  assert.ok(compareBundleVersions('v1.10.0', 'v1.2.1') > 0);
});
