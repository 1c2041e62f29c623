// VAP typeChecking: the status controller writes expression warnings for fields the matched
// kinds' schemas do not declare, with the generation it checked, and clears them once fixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../../testing/test-cluster';
import { createPolicyStatusController } from './policy-status';
import { createSchemaRegistry } from '../../../kinds/schema/schema';

/** Polls until `fn` gives something truthy (engine tests cannot import test/wait-for.ts). */
async function waitFor<T>(what: string, fn: () => Promise<T | false | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Status = { observedGeneration?: number; typeChecking?: { expressionWarnings?: Array<{ fieldRef: string; warning: string }> } };

test('validations are type-checked against every matched kind; warnings name the field, the kind and the place', async (t) => {
  const c = await startTestCore();
  const schemas = createSchemaRegistry();
  const policyDef = c.core.kinds.byResource('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies')!;
  const controller = createPolicyStatusController({
    store: c.core.deps.store,
    resources: c.core.resources,
    policyDef,
    byResource: (g, v, p) => c.core.kinds.byResource(g, v, p),
    schemaOf: (m) => (schemas.has(m) ? schemas.node(m) : undefined),
  });
  t.after(async () => {
    controller.stop();
    await c.close();
  });
  await controller.start();
  const res = { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingadmissionpolicies' };
  const rules = [
    { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments', 'replicasets'] },
    { apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE'], resources: ['*'] },
  ];
  await c.client.create(res, undefined, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'replicas' },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: rules },
      validations: [
        { expression: 'object.spec.replicas <= 5', messageExpression: "'too many: ' + string(object.spec.replicaz)" },
        { expression: 'object.spec.replicas <= 5 && object.metadata.labelz.size() > 0' },
        { expression: "has(object.spec.template) && object.metadata.name != ''" },
      ],
    },
  });
  const status = await waitFor('typeChecking written', async () => {
    const p = await c.client.get(res, undefined, 'replicas');
    return (p.status as Status | undefined)?.typeChecking && (p.status as Status);
  });
  assert.equal(status.observedGeneration, 1);
  const warnings = status.typeChecking?.expressionWarnings ?? [];
  assert.deepEqual(
    warnings.map((w) => w.fieldRef),
    ['spec.validations[0].messageExpression', 'spec.validations[1].expression'],
  );
  assert.equal(
    warnings[0].warning,
    [
      "apps/v1, Kind=Deployment: ERROR: <input>:1:35: undefined field 'replicaz'",
      " | 'too many: ' + string(object.spec.replicaz)",
      ' | ..................................^',
      "apps/v1, Kind=ReplicaSet: ERROR: <input>:1:35: undefined field 'replicaz'",
      " | 'too many: ' + string(object.spec.replicaz)",
      ' | ..................................^',
    ].join('\n'),
  );
  assert.match(warnings[1].warning, /^apps\/v1, Kind=Deployment: ERROR: <input>:1:46: undefined field 'labelz'/);

  // Fixed: the next generation's check clears the warnings.
  const cur = await c.client.get(res, undefined, 'replicas');
  (cur.spec as { validations: unknown[] }).validations = [{ expression: 'object.spec.replicas <= 5' }];
  await c.client.update(res, undefined, cur);
  const fixed = await waitFor('generation 2 checked', async () => {
    const p = await c.client.get(res, undefined, 'replicas');
    return (p.status as Status | undefined)?.observedGeneration === 2 && (p.status as Status);
  });
  assert.deepEqual(fixed.typeChecking, {});
});
