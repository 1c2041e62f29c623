import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDef, KubeObject } from '../../../kinds/types';
import { ApiError } from '../../status';
import { createPodSecurityAdmission } from './plugin';
import { podSecurityConfig } from './config';
import { collectingRequest } from '../admission-request';

const L = 'pod-security.kubernetes.io/';
const def = (group: string, plural: string) => ({ group, plural }) as KindDef;
const podDef = def('', 'pods');
const nsDef = def('', 'namespaces');
const pod = (name: string, ns: string, spec: object, extra: object = {}): KubeObject => ({
  metadata: { name, namespace: ns, ...extra },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});
const privileged = { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] };

function setup(opts: { namespaces?: Record<string, Record<string, string>>; pods?: KubeObject[]; user?: string } = {}) {
  const warnings: string[] = [];
  const request = collectingRequest({ user: opts.user ?? 'alice', groups: [] }, (w) => warnings.push(w));
  const plugin = createPodSecurityAdmission({
    config: podSecurityConfig('baseline', { usernames: ['trusted'], runtimeClasses: ['kata'] }),
    getNamespace: (name) => Promise.resolve({ metadata: { name, labels: opts.namespaces?.[name] ?? {} } }),
    listPods: (ns) => Promise.resolve((opts.pods ?? []).filter((p) => p.metadata.namespace === ns)),
  });
  const admit = (d: KindDef, obj: KubeObject, old?: KubeObject) => plugin.admit(d, obj, old, false, request);
  return { plugin: { admit }, warnings };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError, 'refused');
  return err;
}

test('a privileged pod in a namespace without labels is Forbidden at the baseline default', async () => {
  const { plugin } = setup();
  const err = await refusal(plugin.admit(podDef, pod('x', 'default', privileged)));
  assert.equal(err.code, 403);
  assert.equal(
    err.message,
    'pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
  );
});

test('exemptions: kube-system, exempt users and runtime classes; privileged namespaces allow it', async () => {
  const { plugin } = setup({ namespaces: { open: { [L + 'enforce']: 'privileged' } } });
  await plugin.admit(podDef, pod('x', 'kube-system', privileged));
  await plugin.admit(podDef, pod('x', 'open', privileged));
  await plugin.admit(podDef, pod('x', 'default', { ...privileged, runtimeClassName: 'kata' }));
  await setup({ user: 'trusted' }).plugin.admit(podDef, pod('x', 'default', privileged));
});

test('restricted refuses root; warn mode only warns; pod updates that keep images are not re-checked', async () => {
  const { plugin, warnings } = setup({
    namespaces: { strict: { [L + 'enforce']: 'restricted' }, soft: { [L + 'enforce']: 'privileged', [L + 'warn']: 'baseline' } },
  });
  const err = await refusal(plugin.admit(podDef, pod('r', 'strict', { securityContext: { runAsUser: 0 } })));
  assert.match(err.message, /violates PodSecurity "restricted:latest": .*runAsUser=0 \(pod must not set runAsUser=0\)/);
  await plugin.admit(podDef, pod('w', 'soft', privileged));
  assert.deepEqual(warnings, [
    'would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
  ]);
  const old = pod('u', 'default', privileged);
  await plugin.admit(podDef, { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } }, old);
  const changed = { ...old, spec: { containers: [{ name: 'c', image: 'other', securityContext: { privileged: true } }] } };
  await refusal(plugin.admit(podDef, changed, old));
});

test('workload templates get warnings, not refusals', async () => {
  const { plugin, warnings } = setup();
  const deployment = { metadata: { name: 'd', namespace: 'default' }, spec: { template: { metadata: {}, spec: privileged } } };
  await plugin.admit(def('apps', 'deployments'), deployment);
  const cron = {
    metadata: { name: 'cj', namespace: 'default' },
    spec: { jobTemplate: { spec: { template: { spec: { hostPID: true, containers: [] } } } } },
  };
  await plugin.admit(def('batch', 'cronjobs'), cron);
  assert.deepEqual(warnings, [
    'would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    'would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)',
  ]);
});

test('a stricter enforce label warns about existing pods; invalid labels are Invalid', async () => {
  const owner = { ownerReferences: [{ uid: 'rs1', controller: true }] };
  const pods = [
    pod('web-b', 'team', privileged, owner),
    pod('web-a', 'team', privileged, owner),
    pod('web-c', 'team', privileged, owner),
    pod('tool', 'team', { hostNetwork: true }),
    pod('ok', 'team', {}),
  ];
  const { plugin, warnings } = setup({ pods });
  const ns = (labels: Record<string, string>) => ({ metadata: { name: 'team', labels } });
  await plugin.admit(nsDef, ns({ [L + 'enforce']: 'baseline' }), ns({ [L + 'enforce']: 'privileged' }));
  assert.deepEqual(warnings, [
    'existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"',
    'tool: host namespaces',
    'web-a (and 2 other pods): privileged',
  ]);
  warnings.length = 0;
  await plugin.admit(nsDef, ns({ [L + 'enforce']: 'privileged' }), ns({ [L + 'enforce']: 'baseline' }));
  assert.deepEqual(warnings, [], 'loosening warns about nothing');
  const err = await refusal(plugin.admit(nsDef, ns({ [L + 'enforce']: 'strict' })));
  assert.equal(err.code, 422);
  assert.equal(
    err.message,
    'Namespace "team" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
  );
});
