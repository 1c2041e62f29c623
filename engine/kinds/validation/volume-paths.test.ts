import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from './validation';
import { validatePodSpec } from './pod-validation';

const spec = (volumes: unknown[], mounts: unknown[] = []) => ({
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  volumes,
  containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Never', terminationMessagePolicy: 'File', volumeMounts: mounts }],
});
const msgs = (s: unknown) => validatePodSpec(s as any, 'spec').map(formatFieldError);

test('items paths: relative, no `..` element, not starting with `..` (upstream wording and field paths)', () => {
  const errs = msgs(
    spec([
      {
        name: 'a',
        configMap: {
          name: 'cm',
          items: [
            { key: 'k', path: '../../etc/x' },
            { key: 'k', path: '/abs' },
            { key: 'k', path: '..data' },
          ],
        },
      },
      { name: 'b', secret: { secretName: 's', items: [{ key: 'k', path: 'ok/../../x' }] } },
      { name: 'c', downwardAPI: { items: [{ path: '..', fieldRef: { fieldPath: 'metadata.name' } }] } },
      {
        name: 'd',
        projected: {
          sources: [{ configMap: { name: 'x', items: [{ key: 'k', path: 'a/..' }] } }, { serviceAccountToken: { path: '/token' } }],
        },
      },
    ]),
  );
  assert.deepEqual(errs, [
    `spec.volumes[0].configMap.items[0].path: Invalid value: "../../etc/x": must not contain '..'`,
    `spec.volumes[0].configMap.items[1].path: Invalid value: "/abs": must be a relative path`,
    `spec.volumes[0].configMap.items[2].path: Invalid value: "..data": must not start with '..'`,
    `spec.volumes[1].secret.items[0].path: Invalid value: "ok/../../x": must not contain '..'`,
    `spec.volumes[2].downwardAPI.items[0].path: Invalid value: "..": must not contain '..'`,
    // Upstream reports both for a bare "..".
    `spec.volumes[2].downwardAPI.items[0].path: Invalid value: "..": must not start with '..'`,
    `spec.volumes[3].projected.sources[0].configMap.items[0].path: Invalid value: "a/..": must not contain '..'`,
    `spec.volumes[3].projected.sources[1].serviceAccountToken.path: Invalid value: "/token": must be a relative path`,
  ]);
  assert.deepEqual(msgs(spec([{ name: 'a', configMap: { name: 'cm', items: [{ key: 'k', path: 'dir/..file.txt' }] } }])), []);
});

test('subPath and subPathExpr: relative, no `..` element; mutually exclusive', () => {
  const errs = msgs(
    spec(
      [{ name: 'v', emptyDir: {} }],
      [
        { name: 'v', mountPath: '/a', subPath: '../../pki' },
        { name: 'v', mountPath: '/b', subPathExpr: '/$(POD_NAME)' },
        { name: 'v', mountPath: '/c', subPath: 'x', subPathExpr: 'y' },
        { name: 'v', mountPath: '/d', subPath: 'fine/..ok' },
      ],
    ),
  );
  assert.deepEqual(errs, [
    `spec.containers[0].volumeMounts.subPath: Invalid value: "../../pki": must not contain '..'`,
    `spec.containers[0].volumeMounts.subPathExpr: Invalid value: "/$(POD_NAME)": must be a relative path`,
    `spec.containers[0].volumeMounts[2].subPathExpr: Invalid value: "y": subPathExpr and subPath are mutually exclusive`,
  ]);
});

test('hostPath may not contain `..` elements', () => {
  assert.deepEqual(msgs(spec([{ name: 'h', hostPath: { path: '/var/../etc' } }])), [
    `spec.volumes[0].hostPath.path: Invalid value: "/var/../etc": must not contain '..'`,
  ]);
});
