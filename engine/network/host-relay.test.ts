import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { once } from 'node:events';
import { createHostRelay } from './host-relay';
import type { PortRoute, ServiceRoute } from './table';

async function named(name: string): Promise<Server> {
  const s = createServer((c) => c.end(name));
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

test('NodePort connections go straight to ready endpoints, round-robin, past a refusing one; reverse routes use the agent', async () => {
  const a = await named('a');
  const b = await named('b');
  const gone = await named('x');
  const goneport = portOf(gone);
  gone.close(); // refuses from now on
  const svc: ServiceRoute = { id: 'default/web', ip: '10.9.128.20', ports: [] };
  const port: PortRoute = {
    port: 80,
    protocol: 'TCP',
    endpoints: [
      { ip: '127.0.0.1', port: portOf(a) },
      { ip: '127.0.0.1', port: goneport },
      { ip: '127.0.0.1', port: portOf(b) },
    ],
  };
  const viaAgent: string[] = [];
  const relay = createHostRelay({
    mode: 'auto',
    route: (ip, p) =>
      ip === svc.ip && p === 80 ? { svc, port } : ip === '10.9.128.1' ? { svc, port: { ...port, reverse: true } } : undefined,
    agentRelay: (client, ip, p) => {
      viaAgent.push(`${ip}:${p}`);
      client.destroy();
      return Promise.resolve();
    },
    log: () => {},
  });
  const front = createServer((c) => void relay.relay(c, c.localPort === portOf(front) ? svc.ip : '', 80).catch(() => {}));
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  const ask = () =>
    new Promise<string>((resolve, reject) => {
      const s = connect(portOf(front), '127.0.0.1');
      let body = '';
      s.on('data', (d: Buffer) => (body += d.toString()));
      s.on('end', () => resolve(body));
      s.on('error', reject);
    });
  try {
    const seen = [await ask(), await ask(), await ask(), await ask()];
    assert.ok(
      seen.every((x) => x === 'a' || x === 'b'),
      `a refusing endpoint is skipped, no connection fails: ${seen.join(',')}`,
    );
    port.endpoints.splice(1, 1);
    const spread = [await ask(), await ask(), await ask(), await ask()];
    assert.deepEqual(new Set(spread), new Set(['a', 'b']), `round-robin over ready endpoints: ${spread.join(',')}`);
    assert.equal(relay.mode(), 'direct');
    const c = connect(portOf(a), '127.0.0.1');
    await relay.relay(c, '10.9.128.1', 443);
    assert.deepEqual(viaAgent, ['10.9.128.1:443'], 'the kubernetes Service (host side) goes through the agent');
  } finally {
    for (const s of [front, a, b]) s.close();
  }
});
