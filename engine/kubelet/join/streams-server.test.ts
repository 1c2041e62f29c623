// The node agent's endpoint beyond streams: usage figures and network credentials, only for the
// API server's kubelet-client certificate; and the caller sends nothing, not even the request
// line, before the agent's certificate matches the pin its Node published.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createPki, issueClientCert } from '../../pki/create-pki';
import type { Pki } from '../../pki/types';
import { callNodeAgent, KUBELET_CLIENT_USER, type RemoteNodeOptions } from '../../client/remote-node-streams';
import type { KubeClient } from '../../client/types';
import { startStreamsServer, type StreamsServer } from './streams-server';

let pki: Pki;
let server: StreamsServer;
const handed: unknown[] = [];
const usage = { nodes: [{ name: 'n1', cpuNanoCores: 1, memoryBytes: 2, timestamp: 't' }], pods: [] };

before(async () => {
  pki = await createPki();
  server = await startStreamsServer({
    host: '127.0.0.1',
    caCert: pki.caCert,
    nodeName: 'n1',
    client: {} as KubeClient, // the routes tested here read nothing from the API
    streams: () => undefined,
    usage: () => usage,
    networkCredentials: (body) => handed.push(body),
  });
});
after(() => server.close());

const as = async (user: string, groups: string[] = []): Promise<RemoteNodeOptions> => {
  const c = await issueClientCert(pki.caCert, pki.caKey, user, groups);
  return { host: '127.0.0.1', port: server.port, fingerprint: server.fingerprint, clientCert: c.cert, clientKey: c.key };
};

test("the API server's certificate reads the usage and hands over credentials", async () => {
  const api = await as(KUBELET_CLIENT_USER);
  assert.deepEqual(await callNodeAgent(api, 'GET', '/metrics/usage'), usage);
  await callNodeAgent(api, 'POST', '/network/credentials', { token: 't' });
  assert.deepEqual(handed, [{ token: 't' }]);
});

test("another node's certificate (same CA) is refused both (403)", async () => {
  const node = await as('system:node:n2', ['system:nodes']);
  const forbidden = (e: { code?: number }) => e.code === 403;
  await assert.rejects(callNodeAgent(node, 'POST', '/network/credentials', { token: 'forged' }), forbidden);
  await assert.rejects(callNodeAgent(node, 'GET', '/metrics/usage'), forbidden);
  assert.equal(handed.length, 1, 'nothing forged arrived');
});

test("an impostor at the agent's address, with another certificate, never sees the request or the token", async () => {
  const other = await createPki({ extraIPs: ['127.0.0.1'] });
  let bytes = 0;
  const impostor = createServer({ cert: other.serverCert, key: other.serverKey }, (_req, res) => res.end('{}'));
  impostor.on('secureConnection', (s) => s.on('data', (d: Buffer) => (bytes += d.length)));
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
  try {
    const api = { ...(await as(KUBELET_CLIENT_USER)), port: (impostor.address() as AddressInfo).port };
    await assert.rejects(callNodeAgent(api, 'POST', '/network/credentials', { token: 'secret' }), /presented an unexpected certificate/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(bytes, 0);
  } finally {
    impostor.close();
  }
});
