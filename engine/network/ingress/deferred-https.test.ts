import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalhostCa } from '../../pki/localhost-ca';
import { listenOnFirst } from '../host-port';
import { deferredHttps, type HttpsCertificates } from './deferred-https';

function fetchBody(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, servername: 'localhost', ca, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

test('a connection before the certificates exist asks for them, waits, and is served once they do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-deferred-https-'));
  try {
    const ca = await loadOrCreateLocalhostCa(dir);
    const leaf = await ca.issue('localhost');
    let asked = 0;
    let give!: (c: HttpsCertificates) => void;
    const certs = new Promise<HttpsCertificates>((r) => (give = r));
    const d = deferredHttps(() => {
      asked++;
      return certs;
    });
    d.server.on('request', (_req, res) => res.end('served'));
    const port = await listenOnFirst(d.server, [0]);
    assert.equal(asked, 0, 'listening makes no certificate');

    const body = fetchBody(port, ca.certPem);
    let answered = false;
    void body.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(asked, 1, 'the first connection asked for the certificates');
    assert.equal(answered, false, 'it waits for them');

    give({ ...leaf, SNICallback: (_name, cb) => cb(null) });
    assert.equal(await body, 'served');
    await d.start();
    assert.equal(asked, 1, 'made once');
    assert.equal(await fetchBody(port, ca.certPem), 'served', 'later connections go straight in');
    d.close();
    d.server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('certificates that cannot be made drop the waiting connections and fail start()', async () => {
  const d = deferredHttps(() => Promise.reject(new Error('no CA here')));
  const port = await listenOnFirst(d.server, [0]);
  await assert.rejects(fetchBody(port, ''), /socket disconnected|socket hang up|ECONNRESET/);
  await assert.rejects(d.start(), /no CA here/);
  d.server.close();
});
