// Admission webhooks served by a pod on a Docker node (issue 13's acceptance): the server is a
// node script in the network agent's image (built from the host's node binary), its certificate
// made here for hooks.webhooks.svc; the API server reaches it through the Service's ready
// endpoint. It denies pods labelled deny=yes and labels the others; with the pod gone, Fail
// refuses with a clear message and Ignore admits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { createPki } from '../../engine/pki/create-pki';

const skip = await dockerSkip();
let c: DockerCluster;
let caBundle = '';

// Runs in the pod: /validate denies deny=yes, /mutate adds a label with a JSONPatch.
const server = `
const https = require('https');
https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const { request } = JSON.parse(body);
    const labels = (request.object && request.object.metadata && request.object.metadata.labels) || {};
    let response = { uid: request.uid, allowed: true };
    if (req.url.startsWith('/validate') && labels.deny === 'yes') {
      response = { uid: request.uid, allowed: false, status: { code: 403, message: 'refused by the webhook pod' } };
    }
    if (req.url.startsWith('/mutate')) {
      const ops = Object.keys(labels).length
        ? [{ op: 'add', path: '/metadata/labels/injected', value: 'by-pod' }]
        : [{ op: 'add', path: '/metadata/labels', value: { injected: 'by-pod' } }];
      response = { uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
  });
}).listen(8443);
`;

const apply = async (obj: unknown) => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(obj) });
  assert.equal(r.code, 0, r.stderr);
};
const hook = (name: string, path: string) => ({
  name,
  clientConfig: { caBundle, service: { namespace: 'webhooks', name: 'hooks', path } },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  namespaceSelector: { matchLabels: { hooked: 'yes' } },
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  timeoutSeconds: 5,
});
const pod = (name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'hooked', labels },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });

before(async () => {
  if (skip) return;
  c = await startDockerCluster(`hooks${process.pid}`, 'skiff-hooks-');
  const [image, pki] = await Promise.all([ensureAgentImage(new Docker()), createPki({ extraDNS: ['hooks.webhooks.svc'] })]);
  caBundle = Buffer.from(pki.caCert).toString('base64');
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'webhooks' } });
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooked', labels: { hooked: 'yes' } } });
  await apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'hooks', namespace: 'webhooks', labels: { app: 'hooks' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'server',
          image,
          command: ['node', '-e', server],
          env: [
            { name: 'CERT', value: pki.serverCert },
            { name: 'KEY', value: pki.serverKey },
          ],
          readinessProbe: { tcpSocket: { port: 8443 }, periodSeconds: 1 },
        },
      ],
    },
  });
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'hooks', namespace: 'webhooks' },
    spec: { selector: { app: 'hooks' }, ports: [{ port: 443, targetPort: 8443 }] },
  });
  await waitFor(
    'the webhook pod ready behind its Service',
    async () => {
      const r = await c.kubectl(['get', 'endpoints', 'hooks', '-n', 'webhooks', '-o', 'jsonpath={.subsets[0].addresses[0].ip}']);
      return r.stdout.trim();
    },
    90_000,
  );
});

after(async () => {
  if (skip) return;
  await c?.stop();
});

describe('admission webhooks served by a pod', { skip }, () => {
  test('the validating webhook denies, the mutating one labels the pod', async () => {
    await apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'deny' },
      webhooks: [hook('deny.skiff.test', '/validate')],
    });
    await apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'label' },
      webhooks: [hook('label.skiff.test', '/mutate')],
    });
    const refused = await waitFor('the webhook configuration in effect', async () => {
      const r = await c.kubectl(['create', '--dry-run=server', '-f', '-'], { input: pod('bad', { deny: 'yes' }) });
      return r.code !== 0 && r;
    });
    assert.match(
      refused.stderr,
      /pods "bad" is forbidden: admission webhook "deny.skiff.test" denied the request: refused by the webhook pod/,
    );
    const created = await c.kubectl(['create', '--dry-run=server', '-f', '-', '-o', 'jsonpath={.metadata.labels.injected}'], {
      input: pod('good'),
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'by-pod');
  });

  test('with the webhook pod gone: Fail refuses with a clear message, Ignore admits', async () => {
    assert.equal((await c.kubectl(['delete', 'pod', 'hooks', '-n', 'webhooks', '--wait=true'])).code, 0);
    const refused = await waitFor('the endpoint gone', async () => {
      const r = await c.kubectl(['create', '--dry-run=server', '-f', '-'], { input: pod('plain') });
      return /no endpoints available/.test(r.stderr) && r;
    });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /failed calling webhook "(deny|label).skiff.test": failed to call webhook: no endpoints available for service "hooks"/,
    );
    for (const kind of ['validatingwebhookconfiguration/deny', 'mutatingwebhookconfiguration/label']) {
      const r = await c.kubectl([
        'patch',
        kind,
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]',
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    await waitFor(
      'Ignore in effect',
      async () => (await c.kubectl(['create', '--dry-run=server', '-f', '-'], { input: pod('plain') })).code === 0,
    );
  });
});
