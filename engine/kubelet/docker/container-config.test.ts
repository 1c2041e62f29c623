import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnv, hostConfigFor, userOf } from './container-config';
import { prepareVolumes } from './volumes';
import type { KubeObject } from '../../kinds/types';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'x' } },
  spec: { nodeName: 'n1', securityContext: { runAsUser: 1000 } },
};
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { A: '1', B: '2' } };
const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's' },
  data: { pw: Buffer.from('hunter2').toString('base64') },
};
const lookup = async (plural: string, _ns: string, name: string) =>
  plural === 'configmaps' && name === 'cm' ? cm : plural === 'secrets' && name === 's' ? secret : undefined;

test('Docker limits use the one quantity parser: every suffix exactly, an unknown one sets no limit (it used to count ×1)', () => {
  const p = { metadata: { name: 'p', namespace: 'default' }, spec: {} };
  const limits = (memory: string, cpu: string): unknown[] => {
    const hc = hostConfigFor({ resources: { limits: { memory, cpu } } }, p, new Map());
    return [hc.Memory, hc.NanoCpus];
  };
  assert.deepEqual(limits('1.1G', '1500m'), [1_100_000_000, 1_500_000_000]);
  assert.deepEqual(limits('1Pi', '2'), [2 ** 50, 2_000_000_000]);
  assert.deepEqual(limits('512Q', '2x'), [undefined, undefined]);
});

test('env: values, field/resource refs, ConfigMap and Secret refs, envFrom with prefix', async () => {
  const spec = {
    resources: { limits: { memory: '128Mi' } },
    envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
    env: [
      { name: 'PLAIN', value: 'v' },
      { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
    ],
  };
  const env = await buildEnv({ pod, spec, hostIP: '1.2.3.4', podIP: '10.200.0.5', lookup });
  assert.deepEqual(env, ['CM_A=1', 'CM_B=2', 'PLAIN=v', 'NAME=p', 'APP=x', 'IP=10.200.0.5', 'MEM=128', 'PW=hunter2']);
  await assert.rejects(
    buildEnv({
      pod,
      spec: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'nope' } } }] },
      hostIP: '',
      podIP: '',
      lookup,
    }),
    /couldn't find key nope in ConfigMap ns\/cm/,
  );
});

test('volumes become binds; security context and limits map to HostConfig', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-cc-'));
  try {
    const p: KubeObject = {
      ...pod,
      spec: {
        ...pod.spec,
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'mem', emptyDir: { medium: 'Memory' } },
          { name: 'conf', configMap: { name: 'cm', items: [{ key: 'A', path: 'sub/a.txt' }] } },
        ],
      },
    };
    const vols = await prepareVolumes({ pod: p, podDir: dir, lookup });
    assert.equal(readFileSync(join(dir, 'volumes/conf/sub/a.txt'), 'utf8'), '1');
    const spec = {
      volumeMounts: [
        { name: 'scratch', mountPath: '/s', subPath: 'x' },
        { name: 'mem', mountPath: '/m' },
        { name: 'conf', mountPath: '/c' },
      ],
      securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
      resources: { limits: { memory: '64Mi', cpu: '250m' } },
    };
    const hc = hostConfigFor(spec, p, vols);
    assert.deepEqual(hc.Binds, [`${join(dir, 'volumes/scratch/x')}:/s`, `${join(dir, 'volumes/conf')}:/c:ro`]);
    assert.deepEqual(hc.Tmpfs, { '/m': 'rw' });
    assert.deepEqual(
      [hc.CapAdd, hc.CapDrop, hc.ReadonlyRootfs, hc.Memory, hc.NanoCpus],
      [['NET_ADMIN'], ['ALL'], true, 64 * 1024 * 1024, 250_000_000],
    );
    assert.equal(userOf(spec, p), '1000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
