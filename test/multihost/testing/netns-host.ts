// An isolated test "machine": a Linux network namespace joined to this host by a veth pair
// (host side 10.250.N.1, namespace side 10.250.N.2) — or, given a `lan` (netns-lan.ts), to that
// LAN's switch (10.250.N.k) — running its own dockerd inside the namespace with its own data
// root, exec root, pidfile and socket. dockerd is entered with
// `nsenter --net` rather than `ip netns exec`: the latter remounts /sys, hiding the cgroup
// mounts dockerd needs ("Devices cgroup isn't mounted"). Nothing leaves the machine.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../wait-for';

export interface NetnsHost {
  name: string;
  /** This host's address on the veth (what the namespace reaches us at). */
  hostAddress: string;
  /** The namespace's address. */
  address: string;
  dockerHost: string;
  dir: string;
  /** Runs a command inside the namespace (network only; same filesystem). */
  spawn(cmd: string, args: string[], env?: Record<string, string>): ChildProcess;
  /** Stops dockerd (and the containers it runs), removes the namespace, veth and files. Idempotent. */
  cleanup(): Promise<void>;
}

export function sh(cmd: string, args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({
        code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0,
        stdout,
        stderr,
      }),
    );
  });
}

/** Runs a command, throwing with its stderr when it fails; its stdout. */
export async function must(cmd: string, args: string[]) {
  const r = await sh(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Whether this machine can make test hosts: root, iproute2, nsenter and dockerd. */
export async function netnsSkip(): Promise<string | false> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const c of ['ip', 'nsenter', 'dockerd']) if ((await sh('sh', ['-c', `command -v ${c}`])).code !== 0) return `${c} is not installed`;
  return false;
}

export interface NetnsHostOptions {
  /** Plug into this LAN's switch (its next free address) instead of a veth to this host. */
  lan?: { join(veth: string): Promise<{ address: string; hostAddress: string }> };
  /** dockerd manages the namespace's iptables (NAT, FORWARD drop), as on a real machine; default off. */
  iptables?: boolean;
}

export async function createNetnsHost(tag: string, o: NetnsHostOptions = {}): Promise<NetnsHost> {
  const n = 100 + Math.floor(Math.random() * 150);
  const name = `skmh-${tag}-${process.pid % 10000}`;
  const veth = `skv${process.pid % 100000}${tag.slice(0, 3)}`.slice(0, 15);
  const dir = `/tmp/${name}`;
  let hostAddress = `10.250.${n}.1`;
  let address = `10.250.${n}.2`;
  const sock = join(dir, 'docker.sock');
  let dockerd: ChildProcess | undefined;
  let cleaned = false;
  const host: NetnsHost = {
    name,
    hostAddress,
    address,
    dockerHost: `unix://${sock}`,
    dir,
    spawn: (cmd, args, env) =>
      spawn('nsenter', [`--net=/run/netns/${name}`, cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      const pidFile = join(dir, 'docker.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : dockerd?.pid;
      if (pid) {
        try {
          process.kill(pid, 'SIGTERM'); // dockerd stops its containers and its containerd
          await waitFor('dockerd to exit', () => Promise.resolve(!alive(pid)), 20_000, 100).catch(() => process.kill(pid, 'SIGKILL'));
        } catch {
          /* already gone */
        }
      }
      await sh('sh', ['-c', `grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      await sh('ip', ['netns', 'del', name]);
      await sh('ip', ['link', 'del', veth]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    mkdirSync(dir, { recursive: true });
    await must('ip', ['netns', 'add', name]);
    await must('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
    await must('ip', ['link', 'set', `${veth}p`, 'netns', name]);
    if (o.lan) {
      ({ address, hostAddress } = await o.lan.join(veth));
      host.address = address;
      host.hostAddress = hostAddress;
    } else {
      await must('ip', ['addr', 'add', `${hostAddress}/24`, 'dev', veth]);
      await must('ip', ['link', 'set', veth, 'up']);
    }
    await must('ip', ['-n', name, 'addr', 'add', `${address}/24`, 'dev', `${veth}p`]);
    await must('ip', ['-n', name, 'link', 'set', `${veth}p`, 'up']);
    await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    dockerd = host.spawn('dockerd', [
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'docker.pid'),
      '--host',
      `unix://${sock}`,
      '--bridge=none',
      `--iptables=${o.iptables ? 'true' : 'false'}`,
      '--ip6tables=false',
    ]);
    let log = '';
    dockerd.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
    dockerd.stdout?.on('data', () => {});
    await waitFor(
      "the test host's dockerd",
      async () => {
        if (dockerd?.exitCode !== null) throw new Error(`dockerd exited: ${log}`);
        return (await sh('docker', ['-H', host.dockerHost, 'info', '--format', '{{.ServerVersion}}'])).code === 0;
      },
      30_000,
      200,
    );
  } catch (e) {
    await host.cleanup();
    throw e;
  }
  return host;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
