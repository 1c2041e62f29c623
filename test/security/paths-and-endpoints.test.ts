// Issue 12, findings 3 and 5, through real kubectl: an EndpointSlice or Endpoints naming the
// host's loopback (or link-local) is refused with upstream's message, and volume paths with
// `..` (ConfigMap items, subPath) are refused before any kubelet sees them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../integration/harness';

let c: TestCluster;
before(async () => {
  c = await startTestCluster('sec-paths');
});
after(async () => {
  await c?.stop();
});

const apply = (doc: object) => c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(doc) });

test('a loopback EndpointSlice is rejected with upstream message', async () => {
  const r = await apply({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'to-host', namespace: 'default', labels: { 'kubernetes.io/service-name': 'to-host' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'] }],
    ports: [{ name: '', port: 22, protocol: 'TCP' }],
  });
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /endpoints\[0\]\.addresses\[0\]: Invalid value: "127\.0\.0\.1": may not be in the loopback range \(127\.0\.0\.0\/8, ::1\/128\)/,
  );
  const meta = await apply({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'metadata', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '169.254.169.254' }], ports: [{ port: 80 }] }],
  });
  assert.notEqual(meta.code, 0);
  assert.match(meta.stderr, /subsets\[0\]\.addresses\[0\]\.ip: Invalid value: "169\.254\.169\.254": may not be in the link-local range/);
  // An ordinary pod address is fine, and the API server's own endpoint is still there.
  const ok = await apply({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'fine', namespace: 'default', labels: { 'kubernetes.io/service-name': 'fine' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.9'] }],
    ports: [{ name: '', port: 80, protocol: 'TCP' }],
  });
  assert.equal(ok.code, 0, ok.stderr);
  const k = await c.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}']);
  assert.equal(k.stdout, '127.0.0.1');
});

test('`..` in a ConfigMap item path or a subPath is rejected', async () => {
  const pod = (volume: object, mount: object) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'escape', namespace: 'default' },
    spec: {
      volumes: [{ name: 'v', ...volume }],
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'v', mountPath: '/v', ...mount }] }],
    },
  });
  const items = await apply(pod({ configMap: { name: 'cm', items: [{ key: 'k', path: '../../../../outside' }] } }, {}));
  assert.notEqual(items.code, 0);
  assert.match(
    items.stderr,
    /spec\.volumes\[0\]\.configMap\.items\[0\]\.path: Invalid value: "\.\.\/\.\.\/\.\.\/\.\.\/outside": must not contain '\.\.'/,
  );
  const sub = await apply(pod({ emptyDir: {} }, { subPath: '../../pki' }));
  assert.notEqual(sub.code, 0);
  assert.match(sub.stderr, /spec\.containers\[0\]\.volumeMounts\.subPath: Invalid value: "\.\.\/\.\.\/pki": must not contain '\.\.'/);
  const abs = await apply(pod({ secret: { secretName: 's', items: [{ key: 'k', path: '/etc/x' }] } }, {}));
  assert.match(abs.stderr, /must be a relative path/);
  // Templates are checked too.
  const deploy = await apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'escape', namespace: 'default' },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: pod({ emptyDir: {} }, { subPathExpr: '$(X)/../..' }).spec },
    },
  });
  assert.notEqual(deploy.code, 0);
  assert.match(
    deploy.stderr,
    /spec\.template\.spec\.containers\[0\]\.volumeMounts\.subPathExpr: Invalid value: "\$\(X\)\/\.\.\/\.\.": must not contain '\.\.'/,
  );
  const none = await c.kubectl(['get', 'pods,deployments', '-o', 'name']);
  assert.equal(none.stdout.trim(), '');
});
