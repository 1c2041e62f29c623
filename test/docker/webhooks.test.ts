// Admission webhooks served by a pod on a Docker node (issue 13's acceptance): the server is a
// node script in the network agent's image (built from the host's node binary), its certificate
// made here for hooks.webhooks.svc; the API server reaches it through the Service's ready
// endpoint. It denies pods labelled deny=yes and labels the others; with the pod gone, Fail
// refuses with a clear message and Ignore admits. The same pod converts a two-version CRD's
// objects (conversion strategy Webhook through the Service), read with kubectl in each version.
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

// Runs in the pod: /validate denies deny=yes, /mutate adds a label with a JSONPatch, /convert
// converts Gadgets between v1 (spec.size: small|big, stored) and v2 (spec.sizeCm).
const server = `
const https = require('https');
const CM = { small: 10, big: 100 };
function convert(o, to) {
  const spec = Object.assign({}, o.spec);
  if (to.endsWith('/v2') && o.apiVersion.endsWith('/v1')) { spec.sizeCm = CM[spec.size]; delete spec.size; }
  if (to.endsWith('/v1') && o.apiVersion.endsWith('/v2')) { spec.size = spec.sizeCm >= 100 ? 'big' : 'small'; delete spec.sizeCm; }
  return Object.assign({}, o, { apiVersion: to, spec });
}
https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const { request } = JSON.parse(body);
    res.setHeader('Content-Type', 'application/json');
    if (req.url.startsWith('/convert')) {
      const convertedObjects = request.objects.map((o) => convert(o, request.desiredAPIVersion));
      const response = { uid: request.uid, result: { status: 'Success' }, convertedObjects };
      return res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response }));
    }
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

  test('a CRD converts between its versions through the webhook Service', async () => {
    const version = (name: string, storage: boolean, spec: object) => ({
      name,
      served: true,
      storage,
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: spec } } } },
    });
    await apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.conv.skiff.test' },
      spec: {
        group: 'conv.skiff.test',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        conversion: {
          strategy: 'Webhook',
          webhook: {
            conversionReviewVersions: ['v1'],
            clientConfig: { caBundle, service: { namespace: 'webhooks', name: 'hooks', path: '/convert' } },
          },
        },
        versions: [
          version('v1', true, { size: { type: 'string', enum: ['small', 'big'] } }),
          version('v2', false, { sizeCm: { type: 'integer' } }),
        ],
      },
    });
    assert.equal((await c.kubectl(['wait', '--for=condition=Established', 'crd/gadgets.conv.skiff.test', '--timeout=30s'])).code, 0);
    const gadget = {
      apiVersion: 'conv.skiff.test/v1',
      kind: 'Gadget',
      metadata: { name: 'g1', namespace: 'webhooks' },
      spec: { size: 'big' },
    };
    const created = await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(gadget) });
    assert.equal(created.code, 0, created.stderr);
    // Stored in v1, read in v2: the pod's answer (sizeCm 100) comes back through kubectl.
    const v2 = await c.kubectl(['get', 'gadgets.v2.conv.skiff.test', 'g1', '-n', 'webhooks', '-o', 'json']);
    assert.equal(v2.code, 0, v2.stderr);
    const read = JSON.parse(v2.stdout) as { apiVersion: string; spec: unknown };
    assert.equal(read.apiVersion, 'conv.skiff.test/v2');
    assert.deepEqual(read.spec, { sizeCm: 100 });
    // Written in v2, stored (and read) in v1.
    const small = { ...gadget, apiVersion: 'conv.skiff.test/v2', metadata: { ...gadget.metadata, name: 'g2' }, spec: { sizeCm: 10 } };
    assert.equal((await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(small) })).code, 0);
    const v1 = await c.kubectl(['get', 'gadgets.v1.conv.skiff.test', 'g2', '-n', 'webhooks', '-o', 'jsonpath={.apiVersion} {.spec.size}']);
    assert.equal(v1.stdout, 'conv.skiff.test/v1 small', v1.stderr);
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
