import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createPki } from '../../../pki/create-pki';
import { postReview } from './webhook-client';

let server: Server;
let port = 0;
let caBundle = '';
let otherCa = '';
let lastUrl = '';

before(async () => {
  const [pki, other] = await Promise.all([createPki(), createPki()]);
  caBundle = Buffer.from(pki.caCert).toString('base64');
  otherCa = Buffer.from(other.caCert).toString('base64');
  server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    lastUrl = req.url ?? '';
    if (req.url?.startsWith('/slow')) return; // never answers
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(`{"echo":${body}}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('posts the review over HTTPS trusting the caBundle, with the timeout as a query parameter', async () => {
  const out = await postReview({ url: new URL(`https://127.0.0.1:${port}/validate`), caBundle }, { hello: 1 }, 2500);
  assert.deepEqual(out, { echo: { hello: 1 } });
  assert.equal(lastUrl, '/validate?timeout=3s');
  // The serving cert names localhost: a Service-style server name is checked against it.
  const named = await postReview({ url: new URL(`https://127.0.0.1:${port}/`), serverName: 'localhost', caBundle }, {}, 2000);
  assert.deepEqual(named, { echo: {} });
});

test('a certificate from another CA, a wrong name, a dead port and a slow server fail as Go words them', async () => {
  await assert.rejects(
    postReview({ url: new URL(`https://127.0.0.1:${port}/`), caBundle: otherCa }, {}, 2000),
    /^Error: Post "https:\/\/127.0.0.1:\d+\/\?timeout=2s": tls: failed to verify certificate: x509: certificate signed by unknown authority$/,
  );
  await assert.rejects(
    postReview({ url: new URL(`https://127.0.0.1:${port}/`), serverName: 'hook.default.svc', caBundle }, {}, 2000),
    /certificate is not valid/,
  );
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as AddressInfo).port;
  await new Promise((r) => dead.close(r));
  await assert.rejects(postReview({ url: new URL(`https://127.0.0.1:${deadPort}/`), caBundle }, {}, 2000), /connect: connection refused$/);
  await assert.rejects(
    postReview({ url: new URL(`https://127.0.0.1:${port}/slow`), caBundle }, {}, 300),
    /\?timeout=1s": context deadline exceeded$/,
  );
});
