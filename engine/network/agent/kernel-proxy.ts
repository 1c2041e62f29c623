// Runs the kernel path (kernel-rules.ts) when this agent can: `nft` present, NET_ADMIN, IP
// forwarding on (Skiff sets the sysctl when it creates the container). Otherwise, or when Skiff
// asks for it (SKIFF_SERVICE_PROXY=userspace), or when applying rules fails, the userspace
// proxies carry everything and the mode says why.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { RoutingTable } from '../table';
import { NFT_TABLE, nftScript, type NftState } from './kernel-rules';

export type ProxyMode = { mode: 'kernel'; detail: string } | { mode: 'userspace'; detail: string };

export interface KernelProxy {
  mode(): ProxyMode;
  /** Installs the table's rules (kernel mode); a failure falls back to userspace for good. */
  apply(table: RoutingTable): Promise<void>;
  /** Installs the NetworkPolicy filter for Service traffic (kernel mode; the host reports userspace as unenforced). */
  applyPolicy(script: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export type Nft = (script: string) => Promise<void>;

const runNft: Nft = (script) =>
  new Promise((resolve, reject) => {
    const p = execFile('nft', ['-f', '-'], { timeout: 30_000, maxBuffer: 8 << 20 }, (err, _out, errOut) =>
      err ? reject(new Error(`nft: ${(errOut || err.message).trim().split('\n').slice(0, 3).join(' | ')}`)) : resolve(),
    );
    p.stdin?.end(script);
  });

export async function startKernelProxy(o: {
  dev: string;
  want: string | undefined;
  log(line: string): void;
  nft?: Nft;
}): Promise<KernelProxy> {
  const nft = o.nft ?? runNft;
  let state: NftState = { chains: new Set(), sets: new Set() };
  let mode: ProxyMode;
  let policy = '';
  if (o.want === 'userspace') mode = { mode: 'userspace', detail: 'asked for (SKIFF_SERVICE_PROXY=userspace)' };
  else {
    const forwarding = (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '0')).trim() === '1';
    // A table left by an earlier run of this container starts from nothing.
    const probe = await nft(`add table ip ${NFT_TABLE}\ndelete table ip ${NFT_TABLE}\n`).then(
      () => '',
      (e: Error) => e.message,
    );
    mode = !forwarding
      ? { mode: 'userspace', detail: 'IP forwarding is off in the agent (re-create it with this Skiff)' }
      : probe
        ? { mode: 'userspace', detail: `nftables unavailable (${probe})` }
        : { mode: 'kernel', detail: 'nftables DNAT' };
  }
  o.log(`service proxy: ${mode.mode} (${mode.detail})`);
  return {
    mode: () => mode,
    async apply(table) {
      if (mode.mode !== 'kernel') return;
      const next = nftScript(table, o.dev, state);
      try {
        await nft(next.script);
        state = next.state;
      } catch (e) {
        mode = { mode: 'userspace', detail: `applying rules failed, userspace from now on (${(e as Error).message})` };
        o.log(`service proxy: ${mode.detail}`);
        await nft(`delete table ip ${NFT_TABLE}\n`).catch(() => {});
      }
    },
    async applyPolicy(script) {
      if (mode.mode !== 'kernel' || script === policy) return undefined;
      try {
        await nft(script);
        policy = script;
        return undefined;
      } catch (e) {
        o.log(`network policy: applying the filter for Service traffic failed: ${(e as Error).message}`);
        return `NetworkPolicy for Service traffic: ${(e as Error).message}`;
      }
    },
    async close() {
      if (mode.mode === 'kernel') await nft(`delete table ip ${NFT_TABLE}\n`).catch(() => {});
    },
  };
}
