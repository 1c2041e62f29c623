// CRD conversion through a webhook, with real kubectl: a test HTTPS server on 127.0.0.1 (its CA
// made here) converts Widgets between v1 (spec.size: small|big, the storage version) and v2
// (spec.sizeCm). Objects written in v2 are stored in v1; get, list, patch and watch in v2 go
// through the webhook; a failing webhook is a clear 500; a Webhook strategy without a webhook
// is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createPki } from '../../engine/pki/create-pki';
import { startCrdFixture, type CrdFixture } from './crd-fixture';

let c: CrdFixture;
let hook: Server;
let failing = false;
let reviews = 0;

interface Widget {
  apiVersion: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec: { size?: string; sizeCm?: number };
}
interface WatchEvent {
  type: string;
  object: Widget;
}
const CM: Record<string, number> = { small: 10, big: 100 };

function convert(o: Widget, to: string): Widget {
  const spec = { ...o.spec };
  if (to.endsWith('/v2') && o.apiVersion.endsWith('/v1')) {
    spec.sizeCm = CM[spec.size ?? ''];
    delete spec.size;
  } else if (to.endsWith('/v1') && o.apiVersion.endsWith('/v2')) {
    spec.size = Object.keys(CM).find((k) => CM[k] === spec.sizeCm) ?? 'small';
    delete spec.sizeCm;
  }
  return { ...o, apiVersion: to, spec };
}

const crd = (caBundle: string, url: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.conv.skiff.test' },
  spec: {
    group: 'conv.skiff.test',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url, caBundle } } },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'string', enum: ['small', 'big'] } } } },
          },
        },
      },
      {
        name: 'v2',
        served: true,
        storage: false,
        schema: {
          openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { sizeCm: { type: 'integer' } } } } },
        },
      },
    ],
  },
});

before(async () => {
  const pki = await createPki({});
  hook = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      reviews++;
      const review = JSON.parse(body) as { request: { uid: string; desiredAPIVersion: string; objects: Widget[] } };
      const r = review.request;
      const response = failing
        ? { uid: r.uid, result: { status: 'Failure', message: 'converter is down' } }
        : { uid: r.uid, result: { status: 'Success' }, convertedObjects: r.objects.map((o) => convert(o, r.desiredAPIVersion)) };
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response }));
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  c = await startCrdFixture();
  const url = `https://127.0.0.1:${(hook.address() as AddressInfo).port}/convert`;
  await c.establish(crd(Buffer.from(pki.caCert).toString('base64'), url));
});
after(async () => {
  hook?.closeAllConnections();
  hook?.close();
  await c?.close();
});

const kubectl = (args: string[], input?: string) => c.kubectl('1.33', args, input);
const ok = async (args: string[], input?: string) => {
  const r = await kubectl(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** The first event of a watch (raw HTTPS, as the admin). */
function firstWatchEvent(path: string): Promise<WatchEvent> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, c.f.server.url);
    const req = request(url, { ca: c.f.pki.caCert, headers: { Authorization: `Bearer ${c.f.pki.adminToken}` } }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
        const nl = text.indexOf('\n');
        if (nl >= 0) {
          resolve(JSON.parse(text.slice(0, nl)) as WatchEvent);
          req.destroy();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('objects written in v2 are stored in v1 and served in each version through the webhook', async () => {
  const w = { apiVersion: 'conv.skiff.test/v2', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec: { sizeCm: 100 } };
  await ok(['create', '-f', '-'], JSON.stringify(w));
  // The storage version needs no conversion: v1 reads show what is stored.
  const read = await c.http('GET', '/apis/conv.skiff.test/v1/namespaces/default/widgets/w1');
  assert.equal(read.status, 200);
  const v1 = read.body as Widget;
  assert.deepEqual(v1.spec, { size: 'big' });
  assert.equal(v1.apiVersion, 'conv.skiff.test/v1');

  const before = reviews;
  const v2 = JSON.parse(await ok(['get', 'widgets.v2.conv.skiff.test', 'w1', '-o', 'json'])) as Widget;
  assert.equal(v2.apiVersion, 'conv.skiff.test/v2');
  assert.deepEqual(v2.spec, { sizeCm: 100 });
  assert.ok(reviews > before, 'the webhook was asked');

  await ok(['patch', 'widgets.v2.conv.skiff.test', 'w1', '--type=merge', '-p', '{"spec":{"sizeCm":10}}']);
  const after = (await c.http('GET', '/apis/conv.skiff.test/v1/namespaces/default/widgets/w1')).body as Widget;
  assert.deepEqual(after.spec, { size: 'small' });

  const list = JSON.parse(await ok(['get', 'widgets.v2.conv.skiff.test', '-o', 'json'])) as { items: Widget[] };
  assert.deepEqual(
    list.items.map((i) => [i.apiVersion, i.spec]),
    [['conv.skiff.test/v2', { sizeCm: 10 }]],
  );
  const ev = await firstWatchEvent('/apis/conv.skiff.test/v2/namespaces/default/widgets?watch=1');
  assert.equal(ev.type, 'ADDED');
  assert.deepEqual([ev.object.apiVersion, ev.object.spec], ['conv.skiff.test/v2', { sizeCm: 10 }]);
});

test('a failing conversion webhook is a clear 500; a Webhook strategy without a webhook is refused', async () => {
  failing = true;
  try {
    const r = await kubectl(['get', 'widgets.v2.conv.skiff.test', 'w1']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Internal error occurred: conversion webhook for conv\.skiff\.test\/v2, Kind=Widget failed: conversion request failed: converter is down/,
    );
  } finally {
    failing = false;
  }
  const base = crd('', 'https://127.0.0.1:1/convert');
  const bad = {
    ...base,
    metadata: { name: 'gadgets.conv.skiff.test' },
    spec: { ...base.spec, names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' }, conversion: { strategy: 'Webhook' } },
  };
  const r = await kubectl(['create', '-f', '-'], JSON.stringify(bad));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.conversion\.webhook: Required value: required when strategy is set to Webhook/);
});
