// Admission webhooks driven by real kubectl: a test HTTPS server on 127.0.0.1 with its own CA
// (made here) denies pods labelled deny=yes and labels every pod it admits; a webhook that is
// down refuses under failurePolicy Fail and admits under Ignore; a slow one times out.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createPki } from '../../engine/pki/create-pki';
import { startCrdFixture, type CrdFixture } from './crd-fixture';

let c: CrdFixture;
let hooks: Server;
let base = '';
let deadUrl = '';
let caBundle = '';
/** The part of an AdmissionReview the test reads. */
interface Review {
  request: {
    uid: string;
    name: string;
    namespace?: string;
    operation: string;
    kind?: { kind?: string };
    subResource?: string;
    userInfo: { username?: string };
    object?: { metadata?: { labels?: Record<string, string> }; command?: string[]; kind?: string; path?: string } | null;
  };
}
const reviews: Review[] = [];

function answer(path: string, request: Review['request']) {
  const labels = request.object?.metadata?.labels ?? {};
  if (path === '/no-proxy') {
    return { allowed: false, status: { code: 403, message: `proxy to ${request.name} /${request.object?.path ?? ''} is not allowed` } };
  }
  if (path === '/no-exec') {
    const command = request.object?.command ?? [];
    return { allowed: false, status: { code: 403, message: `exec of ${command.join(' ')} is not allowed` } };
  }
  if (path === '/validate') {
    return labels.deny === 'yes'
      ? {
          allowed: false,
          status: { code: 403, message: 'pods labelled deny=yes are not allowed here' },
          warnings: ['checked by the test webhook'],
        }
      : { allowed: true };
  }
  const ops = request.object?.metadata?.labels
    ? [{ op: 'add', path: '/metadata/labels/injected', value: 'by-webhook' }]
    : [{ op: 'add', path: '/metadata/labels', value: { injected: 'by-webhook' } }];
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}

before(async () => {
  const pki = await createPki({ extraDNS: ['hooks.webhooks.svc'] });
  caBundle = Buffer.from(pki.caCert).toString('base64');
  hooks = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (path === '/slow') return; // never answers
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const review = JSON.parse(body) as Review;
      reviews.push(review);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, ...answer(path, review.request) },
        }),
      );
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  deadUrl = `https://127.0.0.1:${(dead.address() as AddressInfo).port}/validate`;
  await new Promise((r) => dead.close(r));
  c = await startCrdFixture();
});
after(async () => {
  hooks?.closeAllConnections();
  hooks?.close();
  await c?.close();
});

/** Pods in namespaces labelled webhooks=<ns> only, so each test's webhooks stay in its namespace. */
const webhook = (name: string, clientConfig: object, extra: object = {}) => ({
  name,
  clientConfig: { caBundle, ...clientConfig },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  namespaceSelector: { matchLabels: { webhooks: name.split('.')[0] } },
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...extra,
});
const config = (kind: 'Validating' | 'Mutating', name: string, hooksList: object[]) =>
  JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks: hooksList,
  });
const namespace = (ns: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { webhooks: ns } } });
const pod = (ns: string, name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });

for (const version of ['1.27', '1.33']) {
  describe(`kubectl ${version}`, () => {
    const tag = `v${version.replace('.', '')}`;
    const kubectl = (args: string[], input?: string) => c.kubectl(version, args, input);
    const ok = async (args: string[], input?: string) => {
      const r = await kubectl(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };

    test('a validating webhook denies with its message and warning; a mutating one labels the pod', async () => {
      const ns = `deny${tag}`;
      await ok(['create', '-f', '-'], namespace(ns));
      await ok(['create', '-f', '-'], config('Validating', `deny${tag}`, [webhook(`${ns}.skiff.test`, { url: `${base}/validate` })]));
      await ok(['create', '-f', '-'], config('Mutating', `label${tag}`, [webhook(`${ns}.label.skiff.test`, { url: `${base}/mutate` })]));
      const table = await ok(['get', 'validatingwebhookconfigurations', `deny${tag}`]);
      assert.match(table, new RegExp(`^NAME\\s+WEBHOOKS\\s+AGE\\ndeny${tag}\\s+1\\s+\\d+s`));

      const refused = await kubectl(['create', '-f', '-'], pod(ns, 'bad', { deny: 'yes' }));
      assert.notEqual(refused.code, 0);
      assert.match(
        refused.stderr,
        /Error from server \(Forbidden\): .*pods "bad" is forbidden: admission webhook "deny\w+\.skiff\.test" denied the request: pods labelled deny=yes are not allowed here/,
      );
      assert.match(refused.stderr, /Warning: checked by the test webhook/);

      // Validating webhooks see only valid objects: an invalid pod gets the 422, not the webhook.
      const broken = JSON.stringify({ ...JSON.parse(pod(ns, 'broken', { deny: 'yes' })), spec: { containers: [] } });
      const invalid = await kubectl(['create', '-f', '-'], broken);
      assert.match(invalid.stderr, /Pod "broken" is invalid: spec.containers: Required value/);
      assert.doesNotMatch(invalid.stderr, /denied the request/);

      assert.match(await ok(['create', '-f', '-'], pod(ns, 'good')), /pod\/good created/);
      assert.equal(await ok(['get', 'pod', 'good', '-n', ns, '-o', 'jsonpath={.metadata.labels.injected}']), 'by-webhook');
      const seen = reviews.find((r) => r.request.namespace === ns && r.request.name === 'good');
      assert.ok(seen, 'the webhooks were sent the created pod');
      assert.equal(seen.request.operation, 'CREATE');
      assert.equal(seen.request.userInfo.username, 'skiff-admin');
    });

    test('a webhook that is down: Fail refuses with a clear error, Ignore admits', async () => {
      const ns = `down${tag}`;
      await ok(['create', '-f', '-'], namespace(ns));
      await ok(
        ['create', '-f', '-'],
        config('Validating', `down${tag}`, [webhook(`${ns}.skiff.test`, { url: deadUrl }, { failurePolicy: 'Ignore' })]),
      );
      assert.match(await ok(['create', '-f', '-'], pod(ns, 'ignored')), /pod\/ignored created/);

      await ok([
        'patch',
        'validatingwebhookconfiguration',
        `down${tag}`,
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Fail"}]',
      ]);
      const refused = await kubectl(['create', '-f', '-'], pod(ns, 'refused'));
      assert.notEqual(refused.code, 0);
      assert.match(
        refused.stderr,
        /Internal error occurred: failed calling webhook "down\w+\.skiff\.test": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/validate\?timeout=10s": dial tcp 127\.0\.0\.1:\d+: connect: connection refused/,
      );
      // The configuration itself is never sent to webhooks: it can always be removed.
      await ok(['delete', 'validatingwebhookconfiguration', `down${tag}`]);
      assert.match(await ok(['create', '-f', '-'], pod(ns, 'after')), /pod\/after created/);
    });
  });
}

test('timeoutSeconds is honoured: a webhook that never answers refuses after its timeout', async () => {
  const ns = 'slow';
  const kubectl = (args: string[], input?: string) => c.kubectl('1.33', args, input);
  assert.equal((await kubectl(['create', '-f', '-'], namespace(ns))).code, 0);
  const created = await kubectl(
    ['create', '-f', '-'],
    config('Validating', 'slow', [webhook('slow.skiff.test', { url: `${base}/slow` }, { timeoutSeconds: 1 })]),
  );
  assert.equal(created.code, 0, created.stderr);
  const refused = await kubectl(['create', '-f', '-'], pod(ns, 'late'));
  assert.notEqual(refused.code, 0);
  assert.match(
    refused.stderr,
    /failed calling webhook "slow.skiff.test": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/slow\?timeout=1s": context deadline exceeded/,
  );
});

test('a webhook reached through a Service (ExternalName here: pod addresses are not loopback) with the Service DNS name verified', async () => {
  const ns = 'webhooks';
  const kubectl = (args: string[], input?: string) => c.kubectl('1.33', args, input);
  const port = Number(new URL(base).port);
  assert.equal((await kubectl(['create', '-f', '-'], namespace(ns))).code, 0);
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'hooks', namespace: ns },
    spec: { type: 'ExternalName', externalName: 'localhost' },
  };
  assert.equal((await kubectl(['create', '-f', '-'], JSON.stringify(svc))).code, 0);
  const hook = webhook('webhooks.svc.skiff.test', { service: { namespace: ns, name: 'hooks', path: '/validate', port } });
  const created = await kubectl(['create', '-f', '-'], config('Validating', 'via-service', [hook]));
  assert.equal(created.code, 0, created.stderr);
  const refused = await kubectl(['create', '-f', '-'], pod(ns, 'bad', { deny: 'yes' }));
  assert.match(refused.stderr, /admission webhook "webhooks.svc.skiff.test" denied the request/);
  assert.equal((await kubectl(['create', '-f', '-'], pod(ns, 'fine'))).code, 0);
});

test('a validating webhook on pods/exec (CONNECT) refuses kubectl exec with its message', async () => {
  const ns = 'noexec';
  const kubectl = (args: string[], input?: string) => c.kubectl('1.33', args, input);
  assert.equal((await kubectl(['create', '-f', '-'], namespace(ns))).code, 0);
  assert.equal((await kubectl(['create', '-f', '-'], pod(ns, 'target'))).code, 0);
  const hook = webhook(
    'noexec.skiff.test',
    { url: `${base}/no-exec` },
    {
      rules: [{ operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/exec'] }],
    },
  );
  const created = await kubectl(['create', '-f', '-'], config('Validating', 'noexec', [hook]));
  assert.equal(created.code, 0, created.stderr);
  const r = await kubectl(['exec', '-n', ns, 'target', '--', 'cat', '/etc/passwd']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /admission webhook "noexec.skiff.test" denied the request: exec of cat \/etc\/passwd is not allowed/);
});

test('a validating webhook on CONNECT pods/proxy, services/proxy and nodes/proxy refuses with its message', async () => {
  const ns = 'noproxy';
  const kubectl = (args: string[], input?: string) => c.kubectl('1.33', args, input);
  assert.equal((await kubectl(['create', '-f', '-'], namespace(ns))).code, 0);
  const hook = webhook(
    'noproxy.skiff.test',
    { url: `${base}/no-proxy` },
    {
      rules: [
        { operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/proxy', 'services/proxy', 'nodes/proxy'] },
      ],
    },
  );
  const created = await kubectl(['create', '-f', '-'], config('Validating', 'noproxy', [hook]));
  assert.equal(created.code, 0, created.stderr);
  const cases = [
    { url: `/api/v1/namespaces/${ns}/pods/web:8080/proxy/admin/`, name: 'web:8080', kind: 'PodProxyOptions', resource: 'pods' },
    {
      url: `/api/v1/namespaces/${ns}/services/https:web:443/proxy/x`,
      name: 'https:web:443',
      kind: 'ServiceProxyOptions',
      resource: 'services',
    },
    { url: '/api/v1/nodes/any-node/proxy/stats/summary', name: 'any-node', kind: 'NodeProxyOptions', resource: 'nodes' },
  ];
  for (const k of cases) {
    const r = await kubectl(['get', '--raw', k.url]);
    assert.notEqual(r.code, 0);
    const path = k.url.slice(k.url.indexOf('/proxy/') + '/proxy/'.length);
    const msg = `admission webhook "noproxy.skiff.test" denied the request: proxy to ${k.name} /${path} is not allowed`;
    assert.ok(r.stderr.includes(msg), `${k.resource}: ${r.stderr}`);
    const seen = [...reviews].reverse().find((x) => x.request.name === k.name && x.request.operation === 'CONNECT');
    assert.equal(seen?.request.kind?.kind, k.kind);
    assert.equal(seen?.request.subResource, 'proxy');
    assert.deepEqual(seen?.request.object, { kind: k.kind, apiVersion: 'v1', path });
  }
});
