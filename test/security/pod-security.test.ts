// Attack tests for Pod Security admission (issue 12): with real kubectl, pods that would take
// over the host (privileged, hostPath /, host namespaces, SYS_ADMIN) are refused in a namespace
// without labels, in upstream's words, even for a token allowed to create pods; a namespace
// labelled privileged allows them, restricted refuses root, warn mode and workload templates
// print kubectl "Warning:" lines, and a stricter label lists the pods it would now refuse.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRbacFixture, type RbacFixture } from './rbac-fixture';
import { waitFor } from '../wait-for';
import { startControllerManager } from '../../engine/controllers/manager';
import { createInProcessClient } from '../../engine/apiserver/in-process-client';

const SETUP = `
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: open, labels: {pod-security.kubernetes.io/enforce: privileged}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: strict, labels: {pod-security.kubernetes.io/enforce: restricted}}}
- apiVersion: v1
  kind: Namespace
  metadata: {name: soft, labels: {pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/warn: baseline}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: deployer, namespace: default}}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: deployer-edit, namespace: default}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
  subjects: [{kind: ServiceAccount, name: deployer, namespace: default}]
`;

/** A one-container pod manifest (JSON is YAML) with `spec` and container fields merged in. */
function podJson(name: string, namespace: string, spec: object = {}, container: object = {}) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec },
  });
}

const ATTACKS: { name: string; spec?: object; container?: object; reason: string }[] = [
  {
    name: 'priv',
    container: { securityContext: { privileged: true } },
    reason: 'privileged (container "c" must not set securityContext.privileged=true)',
  },
  {
    name: 'hostroot',
    spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }] },
    container: { volumeMounts: [{ name: 'root', mountPath: '/host' }] },
    reason: 'hostPath volumes (volume "root")',
  },
  { name: 'hostnet', spec: { hostNetwork: true }, reason: 'host namespaces (hostNetwork=true)' },
  { name: 'hostpid', spec: { hostPID: true }, reason: 'host namespaces (hostPID=true)' },
  {
    name: 'sysadmin',
    container: { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
    reason: 'non-default capabilities (container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
  },
];

describe('Pod Security admission (kubectl, RBAC on, default baseline)', () => {
  let r: RbacFixture;
  let controllers: Awaited<ReturnType<typeof startControllerManager>> | undefined;
  before(async () => {
    r = await startRbacFixture();
    // Deployments make ReplicaSets make pods in-process: those pods are enforced too.
    controllers = await startControllerManager({ client: createInProcessClient(r.f.server.core), only: ['deployment', 'replicaset'] });
    const s = await r.admin(['apply', '-f', '-'], SETUP);
    assert.equal(s.code, 0, s.stderr);
  });
  after(async () => {
    controllers?.stop();
    await r?.close();
  });

  test('host-takeover pods are Forbidden in a namespace without labels, with upstream wording', async () => {
    // One kubectl call for all of them: kubectl reports each object's error on its own line.
    const res = await r.admin(['create', '-f', '-'], ATTACKS.map((a) => podJson(a.name, 'default', a.spec, a.container)).join('\n---\n'));
    assert.notEqual(res.code, 0);
    for (const a of ATTACKS) {
      assert.ok(
        res.stderr.includes(
          `Error from server (Forbidden): error when creating "STDIN": pods "${a.name}" is forbidden: violates PodSecurity "baseline:latest": ${a.reason}\n`,
        ),
        `${a.name}: ${res.stderr}`,
      );
    }
    const list = await r.admin(['get', 'pods', '-n', 'default', '-o', 'name']);
    assert.equal(list.stdout.trim(), '', 'no refused pod was stored');
  });

  test('a ServiceAccount token allowed to create pods still cannot start a hostPath / pod', async () => {
    const token = await r.tokenOf('default', 'deployer');
    const file = join(r.f.dir, 'hostroot.json');
    writeFileSync(file, podJson('escape', 'default', ATTACKS[1].spec, ATTACKS[1].container));
    const res = await r.withToken(token, ['create', '-f', file]);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /pods "escape" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes \(volume "root"\)/);
    const plain = await r.withToken(token, ['run', 'fine', '--image=busybox', '-n', 'default']);
    assert.equal(plain.code, 0, `the token may create ordinary pods: ${plain.stderr}`);
  });

  test('a namespace labelled privileged (and kube-system) allows them', async () => {
    const docs = [
      ...ATTACKS.map((a) => podJson(a.name, 'open', a.spec, a.container)),
      podJson('sys', 'kube-system', ATTACKS[0].spec, ATTACKS[0].container),
    ];
    const res = await r.admin(['create', '-f', '-'], docs.join('\n---\n'));
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stderr, /Warning/);
    assert.equal((await r.admin(['get', 'pods', '-n', 'open', '-o', 'name'])).stdout.trim().split('\n').length, ATTACKS.length);
  });

  test('restricted refuses root and accepts a hardened pod', async () => {
    const root = await r.admin(['create', '-f', '-'], podJson('root', 'strict', { securityContext: { runAsUser: 0 } }));
    assert.notEqual(root.code, 0);
    assert.match(
      root.stderr,
      /pods "root" is forbidden: violates PodSecurity "restricted:latest": .*runAsNonRoot != true .*runAsUser=0 \(pod must not set runAsUser=0\)/,
    );
    const hardened = podJson(
      'hardened',
      'strict',
      { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } },
      { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
    );
    const ok = await r.admin(['create', '-f', '-'], hardened);
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('warn mode and workload templates print kubectl Warning lines; the objects are created', async () => {
    const warned = await r.admin(['create', '-f', '-'], podJson('loud', 'soft', {}, { securityContext: { privileged: true } }));
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /Warning: would violate PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext\.privileged=true\)/,
    );
    const deployment = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'priv-app', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'p' } },
        template: {
          metadata: { labels: { app: 'p' } },
          spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
        },
      },
    });
    const d = await r.admin(['apply', '-f', '-'], deployment);
    assert.equal(d.code, 0, d.stderr);
    assert.match(
      d.stderr,
      /Warning: would violate PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext\.privileged=true\)/,
    );
    // Its ReplicaSet's pods are refused: a FailedCreate event in upstream's words, no pod.
    const client = createInProcessClient(r.f.server.core);
    const event = await waitFor('FailedCreate for the privileged template', async () =>
      (await client.list({ group: '', version: 'v1', plural: 'events' }, 'default')).items.find((e) => e.reason === 'FailedCreate'),
    );
    assert.match(
      String(event.message),
      /Error creating: pods "priv-app-[a-z0-9-]+" is forbidden: violates PodSecurity "baseline:latest": privileged/,
    );
    const pods = await client.list({ group: '', version: 'v1', plural: 'pods' }, 'default');
    assert.ok(!pods.items.some((p) => p.metadata.name?.startsWith('priv-app')), 'no pod of the Deployment exists');
  });

  test('a stricter enforce label warns about existing pods; an invalid one is refused', async () => {
    const res = await r.admin(['label', 'ns', 'open', 'pod-security.kubernetes.io/enforce=baseline', '--overwrite']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /Warning: existing pods in namespace "open" violate the new PodSecurity enforce level "baseline:latest"/);
    assert.match(res.stderr, /Warning: hostnet \(and 1 other pod\): host namespaces/);
    assert.match(res.stderr, /Warning: priv: privileged/);
    // Upstream's way to preview a level: a server-side dry run warns and changes nothing.
    const preview = await r.admin([
      'label',
      '--dry-run=server',
      '--overwrite',
      'ns',
      'soft',
      'pod-security.kubernetes.io/enforce=baseline',
    ]);
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stderr, /Warning: loud: privileged/);
    const soft = await r.admin(['get', 'ns', 'soft', '-o', 'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}']);
    assert.equal(soft.stdout, 'privileged');
    const bad = await r.admin(['label', 'ns', 'open', 'pod-security.kubernetes.io/enforce=strict', '--overwrite']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Invalid value: "strict": must be one of privileged, baseline, restricted/);
  });
});
