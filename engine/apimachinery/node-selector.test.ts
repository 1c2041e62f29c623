import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNodeSelectorTerm, preferredNodeMatchers, requiredNodeMatcher, type NodeSelection } from './node-selector';
import type { NodeSelectorRequirement, NodeSelectorTerm } from './workload-types';

const node = { name: 'n1', labels: { zone: 'z1', gen: '5', big: '9223372036854775807' } };
const expr = (r: NodeSelectorRequirement): NodeSelectorTerm => ({ matchExpressions: [r] });
const field = (r: NodeSelectorRequirement): NodeSelectorTerm => ({ matchFields: [r] });
const op = (operator: string) => operator as NodeSelectorRequirement['operator'];

const terms: [string, NodeSelectorTerm, boolean][] = [
  ['In holds when the value is listed', expr({ key: 'zone', operator: 'In', values: ['z0', 'z1'] }), true],
  ['In fails on another value', expr({ key: 'zone', operator: 'In', values: ['z2'] }), false],
  ['In fails on a missing label', expr({ key: 'disk', operator: 'In', values: ['ssd'] }), false],
  ['In with no values is invalid: no node', expr({ key: 'zone', operator: 'In', values: [] }), false],
  ['NotIn holds on another value', expr({ key: 'zone', operator: 'NotIn', values: ['z2'] }), true],
  ['NotIn holds on a missing label', expr({ key: 'disk', operator: 'NotIn', values: ['ssd'] }), true],
  ['NotIn fails on a listed value', expr({ key: 'zone', operator: 'NotIn', values: ['z1'] }), false],
  ['Exists holds on a present label', expr({ key: 'zone', operator: 'Exists' }), true],
  ['Exists fails on a missing label', expr({ key: 'disk', operator: 'Exists' }), false],
  ['Exists with values is invalid: no node', expr({ key: 'zone', operator: 'Exists', values: ['z1'] }), false],
  ['DoesNotExist holds on a missing label', expr({ key: 'disk', operator: 'DoesNotExist' }), true],
  ['DoesNotExist fails on a present label', expr({ key: 'zone', operator: 'DoesNotExist' }), false],
  ['Gt compares as integers', expr({ key: 'gen', operator: 'Gt', values: ['4'] }), true],
  ['Gt fails when equal', expr({ key: 'gen', operator: 'Gt', values: ['5'] }), false],
  ['Gt is exact over int64 (no float rounding)', expr({ key: 'big', operator: 'Gt', values: ['9223372036854775806'] }), true],
  ['Lt compares as integers', expr({ key: 'gen', operator: 'Lt', values: ['10'] }), true],
  ['Lt fails when greater', expr({ key: 'gen', operator: 'Lt', values: ['3'] }), false],
  ['Gt on a non-integer label fails', expr({ key: 'zone', operator: 'Gt', values: ['1'] }), false],
  ['Gt on a missing label fails', expr({ key: 'disk', operator: 'Gt', values: ['1'] }), false],
  ['Gt with a non-integer value is invalid', expr({ key: 'gen', operator: 'Gt', values: ['4.5'] }), false],
  ['Lt with two values is invalid', expr({ key: 'gen', operator: 'Lt', values: ['10', '11'] }), false],
  ['an unknown operator is invalid', expr({ key: 'zone', operator: op('Equals'), values: ['z1'] }), false],
  ['an invalid label key is invalid', expr({ key: 'bad key', operator: 'Exists' }), false],
  ['matchFields In on metadata.name', field({ key: 'metadata.name', operator: 'In', values: ['n1'] }), true],
  ['matchFields In on another name', field({ key: 'metadata.name', operator: 'In', values: ['n2'] }), false],
  ['matchFields NotIn on another name', field({ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }), true],
  ['matchFields NotIn on this name', field({ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }), false],
  ['matchFields In with two values is invalid', field({ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }), false],
  ['matchFields Exists is not supported', field({ key: 'metadata.name', operator: 'Exists' }), false],
  ['matchFields on an unknown field reads it as empty', field({ key: 'spec.unschedulable', operator: 'In', values: ['true'] }), false],
  [
    'expressions and fields are ANDed',
    {
      matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }],
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }],
    },
    false,
  ],
  [
    'one invalid expression spoils the term',
    {
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['z1'] },
        { key: 'gen', operator: 'Gt', values: ['x'] },
      ],
    },
    false,
  ],
];

for (const [name, term, want] of terms) {
  test(`node selector term: ${name}`, () => assert.equal(compileNodeSelectorTerm(term)(node), want));
}

const required = (nodeSelectorTerms: NodeSelectorTerm[] | undefined, nodeSelector?: Record<string, string>): NodeSelection => ({
  nodeSelector,
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
});

test('required: nothing to match lets every node through', () => {
  assert.equal(requiredNodeMatcher(undefined)(node), true);
  assert.equal(requiredNodeMatcher({})(node), true);
  assert.equal(requiredNodeMatcher({ nodeSelector: {}, affinity: { nodeAffinity: {} } })(node), true);
});

test('required: the nodeSelector needs every label equal, a missing label fails even against ""', () => {
  assert.equal(requiredNodeMatcher({ nodeSelector: { zone: 'z1', gen: '5' } })(node), true);
  assert.equal(requiredNodeMatcher({ nodeSelector: { zone: 'z1', gen: '6' } })(node), false);
  assert.equal(requiredNodeMatcher({ nodeSelector: { disk: '' } })(node), false);
});

test('required: terms are ORed, and ANDed with the nodeSelector', () => {
  const zoneOrName = [
    expr({ key: 'zone', operator: 'In', values: ['z9'] }),
    field({ key: 'metadata.name', operator: 'In', values: ['n1'] }),
  ];
  assert.equal(requiredNodeMatcher(required(zoneOrName))(node), true);
  assert.equal(requiredNodeMatcher(required(zoneOrName, { zone: 'z9' }))(node), false);
  assert.equal(requiredNodeMatcher(required([expr({ key: 'zone', operator: 'In', values: ['z9'] })]))(node), false);
});

test('required: empty terms are skipped, so affinity with only empty or no terms matches no node', () => {
  assert.equal(requiredNodeMatcher(required([{}]))(node), false);
  assert.equal(requiredNodeMatcher(required([{ matchExpressions: [], matchFields: [] }]))(node), false);
  assert.equal(requiredNodeMatcher(required([]))(node), false);
  assert.equal(requiredNodeMatcher(required(undefined))(node), false);
  assert.equal(requiredNodeMatcher(required([{}, expr({ key: 'zone', operator: 'Exists' })]))(node), true);
});

test('required: an invalid term is passed over and another term may still match', () => {
  const terms = [expr({ key: 'gen', operator: 'Gt', values: [] }), expr({ key: 'zone', operator: 'Exists' })];
  assert.equal(requiredNodeMatcher(required(terms))(node), true);
});

test('preferred: weighted terms; an empty preference matches every node; weight 0 is dropped', () => {
  const spec: NodeSelection = {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 50, preference: expr({ key: 'zone', operator: 'In', values: ['z1'] }) },
          { weight: 20, preference: expr({ key: 'zone', operator: 'In', values: ['z2'] }) },
          { weight: 5, preference: {} },
          { weight: 0, preference: {} },
        ],
      },
    },
  };
  const scored = preferredNodeMatchers(spec);
  assert.deepEqual(
    scored.map((p) => [p.weight, p.matches(node)]),
    [
      [50, true],
      [20, false],
      [5, true],
    ],
  );
});
