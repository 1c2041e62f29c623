// Two test machines on one LAN (netns-lan.ts), each a network namespace with its own dockerd
// managing its own iptables (NAT and FORWARD rules, as on a real machine): A runs a Docker-backed
// cluster advertised on its LAN address (skiff and kubectl run inside A's namespace), B joins it
// with the command `skiff token create --print-join-command` printed. With `routed`, A and B are
// on two subnets joined by a router instead (netns-router.ts): no host route reaches the other.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetnsHost, sh, type NetnsHost } from './netns-host';
import { createNetnsLan, type NetnsLan } from './netns-lan';
import { createNetnsRouter } from './netns-router';
import { startSkiffProcess, type SkiffProcess } from '../../testing/skiff-process';
import { ensureTestImages, PAUSE_IMAGE } from '../../docker/images';
import { waitFor } from '../../wait-for';

const root = new URL('../../..', import.meta.url).pathname;

export interface TwoMachines {
  dir: string;
  lan: NetnsLan;
  a: NetnsHost;
  b: NetnsHost;
  /** The cluster on A (kubectl runs in A's namespace). */
  cp: SkiffProcess;
  clusterName: string;
  /** B's node name. */
  nodeB: string;
  /** A's Docker-backed node. */
  nodeA: string;
  /** `skiff ...` on A (its data dir and name added), against A's Docker. */
  skiffA(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** `skiff ...` on B, against B's Docker and home. */
  spawnB(args: string[], env?: Record<string, string>): ChildProcess;
  /** B's running `skiff join` and what it printed. */
  agent: ChildProcess;
  agentOutput(): string;
  /** From spawning `skiff join` on B to its "is Ready" line, in ms. */
  joinMs: number;
  cleanup(): Promise<void>;
}

export async function startTwoMachines(o: { name: string; env?: Record<string, string>; routed?: boolean }): Promise<TwoMachines> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-${o.name}-`));
  const router = o.routed ? await createNetnsRouter() : undefined;
  const lan = router ?? (await createNetnsLan());
  const made: { a?: NetnsHost; b?: NetnsHost; cp?: SkiffProcess; agent?: ChildProcess } = {};
  const cleanup = async () => {
    made.agent?.kill('SIGTERM');
    await made.cp?.kill();
    await Promise.all([made.a?.cleanup(), made.b?.cleanup()]);
    await lan.cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [a, b] = await Promise.all([
      createNetnsHost(`${o.name.slice(0, 3)}a`, { lan, iptables: true }),
      createNetnsHost(`${o.name.slice(0, 3)}b`, { lan, iptables: true }),
    ]);
    made.a = a;
    made.b = b;
    if (router) await Promise.all([router.defaultRoute(a), router.defaultRoute(b)]);
    await Promise.all([ensureTestImages(a.dockerHost), ensureTestImages(b.dockerHost)]);
    const cp = (made.cp = await startSkiffProcess({
      name: o.name,
      dir,
      nodeRuntime: 'docker',
      netns: a.name,
      env: { DOCKER_HOST: a.dockerHost, SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE, ...o.env },
      args: ['--nodes', '1', '--advertise-address', a.address, '--no-switch-context'],
    }));
    const skiffA = (args: string[]) =>
      sh(
        'nsenter',
        [
          `--net=/run/netns/${a.name}`,
          process.execPath,
          join(root, 'bin/skiff.mjs'),
          ...args,
          '--name',
          o.name,
          '--data-dir',
          join(dir, 'data'),
        ],
        { DOCKER_HOST: a.dockerHost },
      );
    const spawnB = (args: string[], env?: Record<string, string>) =>
      b.spawn(process.execPath, [join(root, 'bin/skiff.mjs'), ...args], {
        DOCKER_HOST: b.dockerHost,
        SKIFF_HOME: join(dir, 'b'),
        SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE,
        ...env,
      });
    const token = await skiffA(['token', 'create', '--print-join-command']);
    if (token.code !== 0) throw new Error(`skiff token create: ${token.stderr}`);
    const nodeB = `${o.name}-b`;
    const t0 = performance.now();
    const agent = (made.agent = spawnB([...token.stdout.trim().split(/\s+/).slice(1), '--name', nodeB]));
    let out = '';
    let joinMs = 0;
    agent.stdout!.on('data', (d) => {
      out += d;
      if (!joinMs && / joined .* and is Ready/.test(out)) joinMs = performance.now() - t0;
    });
    agent.stderr!.on('data', (d) => (out += d));
    await waitFor(
      'the joined node Ready',
      () => {
        if (agent.exitCode !== null) throw new Error(`join exited ${agent.exitCode}: ${out}`);
        return Promise.resolve(/ joined .* and is Ready/.test(out));
      },
      90_000,
    );
    return {
      dir,
      lan,
      a,
      b,
      cp,
      clusterName: o.name,
      nodeA: `${o.name}-node-1`,
      nodeB,
      skiffA,
      spawnB,
      agent,
      agentOutput: () => out,
      joinMs,
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
