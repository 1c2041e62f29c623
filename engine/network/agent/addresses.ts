// The ClusterIPs the agent holds as /32 secondary addresses on its interface (busybox `ip`), so
// pods reach them over the bridge (ARP) with no route and no NAT. Changes run one batch at a time.
import { execFile } from 'node:child_process';

export interface AddressManager {
  /** Makes the /32 addresses exactly `wanted` (`keep` adds without removing). */
  sync(wanted: Set<string>, mode?: 'exact' | 'keep'): Promise<void>;
  held(): Set<string>;
}

export type Shell = (script: string) => Promise<string>;

export const runShell: Shell = (script) =>
  new Promise((resolve, reject) =>
    execFile('sh', ['-c', script], { timeout: 60_000, maxBuffer: 8 << 20 }, (err, out, errOut) =>
      err ? reject(new Error(`${errOut || err.message}`.trim())) : resolve(out),
    ),
  );

const IP = /^\d+\.\d+\.\d+\.\d+$/;

/** /32 addresses in `ip -4 -o addr show` output (the interface's own address has a wider prefix). */
export function parseHeld(out: string): Set<string> {
  const held = new Set<string>();
  for (const m of out.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\/32\b/g)) held.add(m[1]);
  return held;
}

export function createAddressManager(o: { dev: string; shell?: Shell; log?: (line: string) => void }): AddressManager {
  const shell = o.shell ?? runShell;
  let held = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  const dev = o.dev.replace(/[^a-zA-Z0-9_.-]/g, '');

  async function apply(wanted: Set<string>, mode: 'exact' | 'keep') {
    held = parseHeld(await shell(`ip -4 -o addr show dev ${dev}`));
    const add = [...wanted].filter((ip) => IP.test(ip) && !held.has(ip));
    const del = mode === 'exact' ? [...held].filter((ip) => !wanted.has(ip)) : [];
    if (!add.length && !del.length) return;
    // Gratuitous ARP for new addresses: a re-created agent may answer with a new MAC.
    const lines = [
      ...add.map(
        (ip) => `ip addr add ${ip}/32 dev ${dev} || echo "add ${ip} failed" >&2; (arping -q -U -c 1 -I ${dev} ${ip} >/dev/null 2>&1 &)`,
      ),
      ...del.map((ip) => `ip addr del ${ip}/32 dev ${dev} || echo "del ${ip} failed" >&2`),
    ];
    for (let i = 0; i < lines.length; i += 200)
      await shell(lines.slice(i, i + 200).join('\n')).catch((e) => o.log?.(`addresses: ${e.message}`));
    held = parseHeld(await shell(`ip -4 -o addr show dev ${dev}`));
    const missing = add.filter((ip) => !held.has(ip));
    if (missing.length) o.log?.(`addresses: could not add ${missing.join(', ')} (is the agent missing NET_ADMIN?)`);
  }

  return {
    sync(wanted, mode = 'exact') {
      const run = chain.then(() => apply(wanted, mode));
      chain = run.catch(() => {});
      return run;
    },
    held: () => new Set(held),
  };
}
