import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyToEvaluate } from './namespace-policy';
import { podSecurityConfig } from './config';
import { levelVersionText } from './levels';

const defaults = podSecurityConfig('baseline').defaults;
const summary = (labels?: Record<string, string>) => {
  const { policy, errors } = policyToEvaluate(labels, defaults);
  return {
    enforce: levelVersionText(policy.enforce),
    audit: levelVersionText(policy.audit),
    warn: levelVersionText(policy.warn),
    errors: errors.map((e) => `${e.field}: ${e.message}`),
  };
};
const L = 'pod-security.kubernetes.io/';

test('no labels: the cluster default for every mode', () => {
  assert.deepEqual(summary(undefined), { enforce: 'baseline:latest', audit: 'baseline:latest', warn: 'baseline:latest', errors: [] });
  assert.deepEqual(summary({ app: 'x' }).enforce, 'baseline:latest');
});

test('labels set levels and versions; unset warn and audit follow the enforce label', () => {
  assert.deepEqual(summary({ [L + 'enforce']: 'privileged' }), {
    enforce: 'privileged:latest',
    audit: 'privileged:latest',
    warn: 'privileged:latest',
    errors: [],
  });
  assert.deepEqual(summary({ [L + 'enforce']: 'restricted', [L + 'enforce-version']: 'v1.25', [L + 'warn']: 'baseline' }), {
    enforce: 'restricted:v1.25',
    audit: 'restricted:v1.25',
    warn: 'baseline:latest',
    errors: [],
  });
  assert.equal(summary({ [L + 'warn']: 'restricted' }).warn, 'restricted:latest');
});

test('invalid labels are reported as upstream words them; enforce fails closed, warn fails open', () => {
  const s = summary({ [L + 'enforce']: 'nope', [L + 'warn']: 'bogus', [L + 'audit-version']: '1.25' });
  assert.equal(s.enforce, 'baseline:latest');
  assert.equal(s.warn, 'privileged:latest');
  assert.deepEqual(s.errors, [
    'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "nope": must be one of privileged, baseline, restricted',
    'metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.25": must be "latest" or "v1.x"',
    'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "bogus": must be one of privileged, baseline, restricted',
  ]);
});
