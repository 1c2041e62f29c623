// The network agent: runs in `skiff-<cluster>-net` (NET_ADMIN, on the cluster network), holds
// every ClusterIP, proxies Service traffic to ready endpoints, serves cluster DNS, and takes its
// routing table from Skiff over the control port. Bundled by esbuild into one .mjs (Node builtins only).
import { startControlServer, type HostMessage } from './control-server';
import { createAddressManager } from './addresses';
import { createProxies } from './proxies';
import { createReversePool } from './reverse-pool';
import { startDnsServer } from './dns-server';
import { indexDns } from './dns-answer';
import { startKernelProxy } from './kernel-proxy';
import type { RoutingTable } from '../table';

const AGENT_VERSION = '1';

function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (!v) {
    console.error(`skiff-net-agent: ${name} is not set (Skiff sets it when it creates this container; re-create it with skiff start)`);
    process.exit(2);
  }
  return v;
}

async function main() {
  const secret = env('SKIFF_AGENT_SECRET');
  const dnsIP = env('SKIFF_DNS_IP');
  const controlPort = Number(env('SKIFF_CONTROL_PORT', '7070'));
  const dev = env('SKIFF_AGENT_DEV', 'eth0');

  let sendLog: (line: string) => void = () => {};
  const log = (line: string) => {
    console.log(`${new Date().toISOString()} ${line}`);
    sendLog(line);
  };

  const addresses = createAddressManager({ dev, log });
  // The DNS address first: pods resolve (and forward) even before the first table arrives.
  await addresses.sync(new Set([dnsIP]), 'keep');
  const dns = await startDnsServer({ ip: dnsIP, log });

  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  const reverse = createReversePool({ want: (count) => control?.send({ type: 'reverse-wanted', count }) });
  const proxies = createProxies({ reverse, log });
  const kernel = await startKernelProxy({ dev, want: process.env.SKIFF_SERVICE_PROXY, log });

  // Tables apply one at a time; only the newest waiting one matters.
  let applying = false;
  let pending: RoutingTable | undefined;
  async function applyTables() {
    if (applying) return;
    applying = true;
    try {
      while (pending) {
        const table = pending;
        pending = undefined;
        const wanted = new Set([dnsIP, ...table.services.map((s) => s.ip)]);
        await addresses.sync(wanted, 'keep'); // add before listening
        const problems = await proxies.apply(table);
        // The kernel rules after the listeners: a port whose rule goes away still has its userspace proxy.
        await kernel.apply(table);
        const policyProblem = await kernel.applyPolicy(table.policy ?? '');
        if (policyProblem) problems.push(policyProblem);
        dns.setIndex(indexDns(table));
        await addresses.sync(wanted, 'exact'); // remove after the listeners closed
        control?.send({ type: 'applied', version: table.version, problems, proxy: kernel.mode() });
      }
    } catch (e) {
      log(`applying the routing table failed: ${(e as Error).message}`);
    } finally {
      applying = false;
    }
  }

  control = await startControlServer({
    port: controlPort,
    secret,
    log,
    hello: () => ({ type: 'hello', version: AGENT_VERSION, held: [...addresses.held()], proxy: kernel.mode() }),
    onMessage(m: HostMessage) {
      if (m.type === 'ping') control?.send({ type: 'pong' });
      else if (m.type === 'table') {
        pending = m.table;
        void applyTables();
      }
    },
    onDial: (s, ip, port) => proxies.dial(s, ip, port),
    onReverse: (s) => reverse.add(s),
  });
  sendLog = (line) => control?.send({ type: 'log', line });
  log(`skiff-net-agent ${AGENT_VERSION}: DNS on ${dnsIP}:53, control on :${controlPort}`);

  const stop = () => {
    proxies.close();
    dns.close();
    reverse.close();
    control?.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// A bug in one connection's handling must not take every Service down with it.
process.on('uncaughtException', (e) => console.error(`skiff-net-agent: uncaught: ${e?.stack ?? e}`));

main().catch((e) => {
  console.error(`skiff-net-agent: ${e?.stack ?? e}`);
  process.exit(1);
});
