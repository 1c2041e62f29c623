// npm run bench -- join: join command → node Ready, from a second "machine" (a network
// namespace with its own dockerd, test/multihost/testing/) into a cluster advertised on the veth.
// Target ≤ 5 s (kubeadm join takes tens of seconds). The floor beside it: the same CLI process
// starting and exiting (`skiff version`) in that namespace — what no join can go under.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetnsHost, netnsSkip, sh } from '../multihost/testing/netns-host';
import { startSkiffProcess } from '../testing/skiff-process';
import { ensureTestImages, PAUSE_IMAGE } from '../docker/images';

const root = new URL('../..', import.meta.url).pathname;
const skip = await netnsSkip();
if (skip) {
  console.log(`join bench skipped: ${skip}`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'skiff-joinbench-'));
const host = await createNetnsHost('jb');
let cp: Awaited<ReturnType<typeof startSkiffProcess>> | undefined;
try {
  await ensureTestImages(host.dockerHost);
  cp = await startSkiffProcess({
    name: 'jb',
    dir,
    nodeRuntime: 'simulated',
    args: ['--nodes', '1', '--advertise-address', host.hostAddress],
  });
  const skiff = (args: string[]) =>
    sh(process.execPath, [join(root, 'bin/skiff.mjs'), ...args, '--name', 'jb', '--data-dir', join(dir, 'data')]);
  const env = { DOCKER_HOST: host.dockerHost, SKIFF_HOME: join(dir, 'b'), SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE };
  const timed = (args: string[], until: RegExp) =>
    new Promise<{ ms: number; out: string }>((resolve, reject) => {
      const t0 = performance.now();
      const p = host.spawn(process.execPath, [join(root, 'bin/skiff.mjs'), ...args], env);
      let out = '';
      const done = () => {
        const ms = performance.now() - t0;
        p.kill('SIGTERM');
        resolve({ ms, out });
      };
      p.stdout!.on('data', (d) => {
        out += d;
        if (until.test(out)) done();
      });
      p.stderr!.on('data', (d) => (out += d));
      p.on('exit', () => (until.test(out) ? undefined : reject(new Error(out))));
    });
  const floor = await timed(['version'], /skiff \d/);
  const cmd = (await skiff(['token', 'create', '--print-join-command'])).stdout.trim().split(/\s+/).slice(1);
  const run = await timed([...cmd, '--name', 'jb-b'], /is Ready/);
  console.log(run.out.trim());
  console.log(
    `join command → node Ready: ${(run.ms / 1000).toFixed(2)} s (target ≤ 5 s; floor: the CLI process alone ${(floor.ms / 1000).toFixed(2)} s)`,
  );
  await new Promise((r) => setTimeout(r, 500));
} finally {
  await cp?.kill();
  await host.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
