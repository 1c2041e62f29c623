// The host side of reverse connections against a fake agent: a pod (here: the fake agent writing
// GO) cannot hold more than the cap open, and an idle one is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { createAgentLink } from './agent-link';
import { formatGo, readLine } from './protocol';

async function waitFor(what: string, ok: () => boolean): Promise<void> {
  for (let t = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() - t > 5000) throw new Error(`timed out waiting for ${what}`);
}

test('reverse connections are capped and closed when idle', async () => {
  const all = new Set<Socket>();
  const api = createServer((s) => {
    all.add(s);
    s.on('data', (d) => s.write(d)); // an echo stands in for the API server
  });
  api.listen(0, '127.0.0.1');
  await once(api, 'listening');
  const apiPort = (api.address() as { port: number }).port;
  const parked: Socket[] = [];
  const agent = createServer((s) => {
    all.add(s);
    void readLine(s).then((line) => {
      if (line.endsWith('CONTROL')) s.write(JSON.stringify({ type: 'hello', version: '1', held: [] }) + '\n');
      else parked.push(s);
    });
  });
  agent.listen(0, '127.0.0.1');
  await once(agent, 'listening');
  const lines: string[] = [];
  const link = createAgentLink({
    endpoint: () => Promise.resolve({ host: '127.0.0.1', port: (agent.address() as { port: number }).port }),
    secret: 's'.repeat(32),
    reverseTarget: (ip, port) => (ip === '10.9.128.1' && port === 443 ? { ip: '127.0.0.1', port: apiPort } : undefined),
    log: (l) => lines.push(l),
    poolSize: 4,
    maxReverse: 2,
    reverseIdleMs: 300,
  });
  try {
    await waitFor('4 parked', () => parked.length >= 4);
    const [a, b, c] = parked.splice(0, 3);
    const closed = [a, b, c].map((s) => once(s, 'close'));
    for (const s of [a, b, c]) {
      s.resume();
      s.write(formatGo('10.9.128.1', 443));
    }
    a.write('ping');
    assert.equal(String((await once(a, 'data'))[0]).replace(/\n?$/, ''), 'ping', 'the first reverse connection reaches the API server');
    await closed[2]; // the third is over the cap
    assert.ok(
      lines.some((l) => /refused: 2 are open already/.test(l)),
      lines.join('\n'),
    );
    await Promise.all(closed.slice(0, 2)); // idle for 300 ms
    assert.ok(
      lines.some((l) => /closed after 0 s idle/.test(l)),
      lines.join('\n'),
    );
  } finally {
    link.close();
    agent.close();
    api.close();
    for (const s of all) s.destroy();
  }
});
