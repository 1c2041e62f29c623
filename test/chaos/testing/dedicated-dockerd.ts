// A Docker engine of the test's own: its own socket, data root, exec root, containerd and pid
// file, so a test may stop, kill and restart it while other test files use
// the shared engine. No iptables rules (the shared engine owns the host's chains); user-defined
// bridge networks work, and `allowBridge` opens forwarding inside one subnet where the host's
// FORWARD policy drops bridged traffic. Its default bridge is one this helper makes: dockerd given
// `--bridge=none` deletes the host's docker0 as it starts, which broke every later `docker run`
// of the shared engine. Needs root and dockerd on PATH.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { waitFor } from '../../wait-for';
import { mountSmallDisk } from './small-disk';
import { bridgeDevice } from '../../../engine/docker/network';

export interface DedicatedDockerd {
  /** unix:///… — give it to child processes as DOCKER_HOST. */
  host: string;
  docker: Docker;
  dir: string;
  /** Environment for processes that should use this engine. */
  env: Record<string, string>;
  /** `docker -H <this engine> args…`. */
  cli(args: string[]): Promise<string>;
  /** Stops the engine as `systemctl stop docker` does (SIGTERM; it stops every container). */
  stop(): Promise<void>;
  /** Starts it again on the same socket and data root; resolves when it answers. */
  start(): Promise<void>;
  /** Accepts bridged traffic inside `subnet` (pod-to-pod) while the engine lives. */
  allowBridge(subnet: string): Promise<void>;
  /** Stops it and removes every file it made. */
  destroy(): Promise<void>;
}

const sh = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (e, out, err) =>
      e ? reject(new Error(`${cmd} ${args.join(' ')}: ${(err || e.message).trim()}`)) : resolve(out),
    ),
  );

/** Why a dedicated engine cannot run here, or false when it can. */
export async function dedicatedDockerdSkip(): Promise<string | false> {
  if (process.getuid?.() !== 0) return 'a dedicated dockerd needs root';
  const found = await sh('sh', ['-c', 'command -v dockerd']).catch(() => '');
  return found.trim() ? false : 'dockerd is not installed';
}

/** A bridge with a /24 no route on the host uses yet, for the engine's default network. */
async function makeDefaultBridge(name: string): Promise<string> {
  const dev = `skd${process.pid % 100000}${name.slice(0, 3)}`.slice(0, 15);
  const routes = await sh('ip', ['-4', 'route']);
  const free = Array.from({ length: 250 }, (_, i) => i + 1).filter((n) => !routes.includes(`10.253.${n}.`));
  const n = free[Math.floor(Math.random() * free.length)];
  if (n === undefined) throw new Error('no free 10.253.N.0/24 for a dedicated engine bridge');
  await sh('ip', ['link', 'del', dev]).catch(() => {});
  await sh('ip', ['link', 'add', dev, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', `10.253.${n}.1/24`, 'dev', dev]);
  await sh('ip', ['link', 'set', dev, 'up']);
  return dev;
}

export interface DedicatedDockerdOptions {
  /** Puts the data root on a tmpfs of this size (e.g. '64m'): a Docker disk the test can fill. */
  dataRootSize?: string;
}

export async function startDedicatedDockerd(name = 'chaos', opts: DedicatedDockerdOptions = {}): Promise<DedicatedDockerd> {
  // Short path: unix socket paths are limited to ~107 bytes.
  const dir = mkdtempSync(join('/tmp', `skd-${name}-`));
  if (opts.dataRootSize) await mountSmallDisk(join(dir, 'data'), opts.dataRootSize);
  const sock = join(dir, 'docker.sock');
  const host = `unix://${sock}`;
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const docker = new Docker({ socketPath: sock });
  const rules: string[][] = [];
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const bridge = await makeDefaultBridge(name);

  // Its own containerd, kept across dockerd restarts as on hosts where containerd is a service
  // of its own (`systemctl restart docker` leaves it running); dockerd's supervised one comes
  // back twice on a restart, which a restart test must not depend on.
  const containerdSock = join(dir, 'containerd.sock');
  writeFileSync(join(dir, 'containerd.toml'), 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
  const containerd = spawn(
    'containerd',
    [
      '--config',
      join(dir, 'containerd.toml'),
      '--address',
      containerdSock,
      '--root',
      join(dir, 'containerd'),
      '--state',
      join(dir, 'cstate'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  containerd.stderr.on('data', (d: Buffer) => appendFileSync(join(dir, 'containerd.log'), d));
  await waitFor('containerd to listen', () => Promise.resolve(existsSync(containerdSock)), 15_000, 100);

  async function start() {
    mkdirSync(join(dir, 'exec'), { recursive: true });
    const p = spawn(
      'dockerd',
      [
        '--containerd',
        containerdSock,
        '--host',
        host,
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        join(dir, 'docker.pid'),
        '--config-file',
        join(dir, 'daemon.json'),
        `--bridge=${bridge}`,
        '--iptables=false',
        '--ip-masq=false',
        '--log-level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc = p;
    let log = '';
    p.stderr.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
      appendFileSync(join(dir, 'dockerd.log'), d);
    });
    exited = new Promise((resolve) => p.once('exit', () => resolve()));
    await waitFor(
      'the dedicated dockerd to answer',
      async () => {
        if (p.exitCode !== null) throw new Error(`dockerd exited ${p.exitCode}: ${log}`);
        await docker.ping();
        return true;
      },
      30_000,
      100,
    );
  }

  async function stop() {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    host,
    docker,
    dir,
    env: { DOCKER_HOST: host },
    cli: (args) => sh('docker', ['-H', host, ...args]),
    stop,
    start,
    async allowBridge(subnet) {
      const rule = ['-s', subnet, '-d', subnet, '-j', 'ACCEPT'];
      await sh('iptables', ['-I', 'DOCKER-USER', ...rule]).catch(() => sh('iptables', ['-I', 'FORWARD', ...rule]).then(() => void 0));
      rules.push(rule);
    },
    async destroy() {
      // Bridges outlive the engine that made them (and keep their routes): noted now, deleted below.
      const bridges = (await docker.listNetworks().catch(() => [])).filter((n) => n.Driver === 'bridge').map(bridgeDevice);
      if (!bridges.includes(bridge)) bridges.push(bridge);
      for (const c of await docker.listContainers({ all: true }).catch(() => []))
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {});
      await stop();
      if (containerd.exitCode === null) {
        const gone = new Promise((r) => containerd.once('exit', r));
        containerd.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (containerd.exitCode === null) containerd.kill('SIGKILL');
      }
      // Shims (and anything else) still pointing into this engine's directory are its leftovers.
      for (const pid of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
        const cmd = (() => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          } catch {
            return '';
          }
        })();
        if (Number(pid) !== process.pid && cmd.includes(`${dir}/`)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }
      for (const b of bridges) await sh('ip', ['link', 'delete', b]).catch(() => {});
      for (const r of rules.splice(0))
        await sh('iptables', ['-D', 'DOCKER-USER', ...r]).catch(() => sh('iptables', ['-D', 'FORWARD', ...r]).catch(() => {}));
      // Mounts under the data root (overlay, shm) must go before the files can.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1])
        .filter((m) => m?.startsWith(dir + '/'))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) await sh('umount', ['-l', m]).catch(() => {});
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
