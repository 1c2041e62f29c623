// ValidatingAdmissionPolicy + Binding through real kubectl: a policy whose expression does not
// compile is refused, a Deny binding refuses a Deployment with too many replicas in upstream's
// words, a Warn binding lets it through with a kubectl warning, and params feed the limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './harness';

let c: TestCluster;
before(async () => {
  c = await startTestCluster('vap');
});
after(async () => {
  await c?.stop();
});

const kubectl = (args: string[], input?: string) => c.kubectl(args, { input });
const policy = (name: string, expression: string, extra: object = {}) =>
  JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }],
      },
      validations: [{ expression }],
      ...extra,
    },
  });
const binding = (name: string, policyName: string, actions: string[], extra: object = {}) =>
  JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName, validationActions: actions, matchResources: { namespaceSelector: { matchLabels: { env: name } } }, ...extra },
  });
const deployment = (name: string, ns: string, replicas: number) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  });

test('a policy whose expression does not compile is refused', async () => {
  const r = await kubectl(['create', '-f', '-'], policy('broken.skiff.test', 'object.spec.replicas <='));
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /ValidatingAdmissionPolicy.* "broken\.skiff\.test" is invalid: spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <=": compilation failed: ERROR: <input>:1:/,
  );
});

test('Deny refuses a Deployment with replicas > 5; Warn admits it with a warning', async () => {
  for (const ns of ['deny', 'warn']) {
    assert.equal((await kubectl(['create', 'namespace', ns])).code, 0);
    assert.equal((await kubectl(['label', 'namespace', ns, `env=${ns}`])).code, 0);
  }
  const created = await kubectl(
    ['create', '-f', '-'],
    [
      policy('replica-limit.skiff.test', 'object.spec.replicas <= 5'),
      binding('deny', 'replica-limit.skiff.test', ['Deny']),
      binding('warn', 'replica-limit.skiff.test', ['Warn', 'Audit']),
    ].join('\n'),
  );
  assert.equal(created.code, 0, created.stderr);

  const denied = await kubectl(['create', '-f', '-'], deployment('big', 'deny', 6));
  assert.notEqual(denied.code, 0);
  assert.match(
    denied.stderr,
    /The deployments "big" is invalid: : ValidatingAdmissionPolicy 'replica-limit\.skiff\.test' with binding 'deny' denied request: failed expression: object\.spec\.replicas <= 5/,
  );
  assert.equal((await kubectl(['create', '-f', '-'], deployment('small', 'deny', 5))).code, 0);
  // Updates are checked too. (Not `kubectl scale`: upstream matches a deployments rule to the
  // Deployment only; deployments/scale admits a Scale, see the scale test below.)
  const scaled = await kubectl(['patch', 'deployment', 'small', '-n', 'deny', '-p', '{"spec":{"replicas":9}}']);
  assert.notEqual(scaled.code, 0);
  assert.equal((await kubectl(['get', 'deployment', 'small', '-n', 'deny', '-o', 'jsonpath={.spec.replicas}'])).stdout, '5', scaled.stderr);

  const warned = await kubectl(['create', '-f', '-'], deployment('big', 'warn', 6));
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(
    warned.stderr,
    /Warning: Validation failed for ValidatingAdmissionPolicy 'replica-limit\.skiff\.test' with binding 'warn': failed expression: object\.spec\.replicas <= 5/,
  );
});

test('params, variables and messageExpression', async () => {
  assert.equal((await kubectl(['create', 'namespace', 'params'])).code, 0);
  assert.equal((await kubectl(['label', 'namespace', 'params', 'env=params'])).code, 0);
  assert.equal((await kubectl(['create', 'configmap', 'limits', '-n', 'params', '--from-literal=max=2'])).code, 0);
  const created = await kubectl(
    ['create', '-f', '-'],
    [
      policy('param-limit.skiff.test', 'object.spec.replicas <= variables.max', {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        variables: [{ name: 'max', expression: 'int(params.data.max)' }],
        validations: [
          {
            expression: 'object.spec.replicas <= variables.max',
            messageExpression: "'at most ' + string(variables.max) + ' replicas in ' + namespaceObject.metadata.name",
            reason: 'Forbidden',
          },
        ],
      }),
      binding('params', 'param-limit.skiff.test', ['Deny'], {
        paramRef: { name: 'limits', namespace: 'params', parameterNotFoundAction: 'Deny' },
      }),
    ].join('\n'),
  );
  assert.equal(created.code, 0, created.stderr);
  const denied = await kubectl(['create', '-f', '-'], deployment('three', 'params', 3));
  assert.notEqual(denied.code, 0);
  assert.match(
    denied.stderr,
    /deployments\.apps "three" is forbidden: ValidatingAdmissionPolicy 'param-limit\.skiff\.test' with binding 'params' denied request: at most 2 replicas in params/,
  );
  assert.equal((await kubectl(['create', '-f', '-'], deployment('two', 'params', 2))).code, 0);
});

test('a policy on CONNECT pods/exec refuses kubectl exec, seeing PodExecOptions', async () => {
  assert.equal((await kubectl(['create', 'namespace', 'noexec'])).code, 0);
  assert.equal((await kubectl(['label', 'namespace', 'noexec', 'env=noexec'])).code, 0);
  assert.equal((await kubectl(['run', 'target', '-n', 'noexec', '--image=busybox'])).code, 0);
  const created = await kubectl(
    ['create', '-f', '-'],
    [
      policy('no-cat.skiff.test', "object.command[0] != 'cat'", {
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: ['pods/exec'] }],
        },
        validations: [
          {
            expression: "object.command[0] != 'cat'",
            messageExpression: "request.kind.kind + ' ' + object.command[0] + ' refused on ' + request.name",
            reason: 'Forbidden',
          },
        ],
      }),
      binding('noexec', 'no-cat.skiff.test', ['Deny']),
    ].join('\n'),
  );
  assert.equal(created.code, 0, created.stderr);
  const denied = await kubectl(['exec', '-n', 'noexec', 'target', '--', 'cat', '/etc/passwd']);
  assert.notEqual(denied.code, 0);
  assert.match(
    denied.stderr,
    /ValidatingAdmissionPolicy 'no-cat\.skiff\.test' with binding 'noexec' denied request: PodExecOptions cat refused on target/,
  );
  // Another command passes admission (and then meets the simulated node, which runs no processes).
  const other = await kubectl(['exec', '-n', 'noexec', 'target', '--', 'ls']);
  assert.doesNotMatch(other.stderr, /denied request/);
});

test('a policy on <resource>/scale sees the autoscaling/v1 Scale, for a Deployment and a custom resource', async () => {
  assert.equal((await kubectl(['create', 'namespace', 'scaling'])).code, 0);
  assert.equal((await kubectl(['label', 'namespace', 'scaling', 'env=scaling'])).code, 0);
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.skiff.test' },
    spec: {
      group: 'skiff.test',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
  assert.equal((await kubectl(['create', '-f', '-'], JSON.stringify(crd))).code, 0);
  assert.equal((await kubectl(['wait', '--for=condition=Established', 'crd/widgets.skiff.test', '--timeout=20s'])).code, 0);
  const created = await kubectl(
    ['create', '-f', '-'],
    [
      policy('scale-limit.skiff.test', 'object.spec.replicas <= 3', {
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['apps', 'skiff.test'],
              apiVersions: ['v1'],
              operations: ['UPDATE'],
              resources: ['deployments/scale', 'widgets/scale'],
            },
          ],
        },
        validations: [
          {
            expression: 'object.spec.replicas <= 3',
            messageExpression:
              "request.kind.group + '/' + request.kind.version + ' ' + request.kind.kind + ' ' + object.kind + ' on ' + request.resource.resource + '/' + request.subResource + ' ' + request.name + ' by ' + request.userInfo.username + ' old ' + string(oldObject.spec.replicas)",
          },
        ],
      }),
      binding('scaling', 'scale-limit.skiff.test', ['Deny']),
      deployment('web', 'scaling', 1),
      JSON.stringify({ apiVersion: 'skiff.test/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'scaling' }, spec: { replicas: 1 } }),
    ].join('\n'),
  );
  assert.equal(created.code, 0, created.stderr);
  for (const [what, resource] of [
    ['deployment/web', 'deployments'],
    ['widget/w', 'widgets'],
  ]) {
    const denied = await kubectl(['scale', what, '-n', 'scaling', '--replicas=5']);
    assert.notEqual(denied.code, 0, `${what} scaled past the policy`);
    assert.match(
      denied.stderr,
      new RegExp(`denied request: autoscaling/v1 Scale Scale on ${resource}/scale ${what.split('/')[1]} by \\S+ old 1`),
    );
    const ok = await kubectl(['scale', what, '-n', 'scaling', '--replicas=3']);
    assert.equal(ok.code, 0, ok.stderr);
  }
  // The parent object was changed through the Scale; its own updates still match only the parent rule (none here).
  assert.equal((await kubectl(['get', 'widget', 'w', '-n', 'scaling', '-o', 'jsonpath={.spec.replicas}'])).stdout, '3');
  assert.equal((await kubectl(['patch', 'deployment', 'web', '-n', 'scaling', '-p', '{"spec":{"replicas":5}}'])).code, 0);
});
