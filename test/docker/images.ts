// Test images built locally (nothing can be pulled here): a busybox-static rootfs imported with
// `docker import`, and a pause-like sandbox. Built once per machine, cached by tag.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUSYBOX_IMAGE = 'skiff-test/busybox:1';
export const PAUSE_IMAGE = 'skiff-test/pause:1';

function sh(cmd: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

const hasImage = (tag: string, host: string[]) =>
  sh('docker', [...host, 'image', 'inspect', tag]).then(
    () => true,
    () => false,
  );

async function applets(): Promise<string[]> {
  const out = await sh('/bin/busybox', ['--list']);
  return out
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'busybox' && !s.includes('/'));
}

/** A rootfs with busybox and its applet links; `pause` (sh script trapping TERM) for the sandbox. */
async function buildRootfs(dir: string) {
  for (const d of ['bin', 'tmp', 'etc', 'root', 'proc', 'sys', 'dev']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  for (const a of await applets()) symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
  // PID 1 ignores SIGTERM unless it installs a handler: trap it and wait on a sleeping child.
  writeFileSync(join(dir, 'bin/pause'), '#!/bin/sh\ntrap "exit 0" TERM INT\nsleep 2147483647 &\nwait\n');
  chmodSync(join(dir, 'bin/pause'), 0o755);
}

const building = new Map<string, Promise<void>>();

/** Builds skiff-test/busybox:1 and skiff-test/pause:1 unless present (in the engine at `dockerHost`, default the usual one). */
export function ensureTestImages(dockerHost?: string): Promise<void> {
  const host = dockerHost ? ['-H', dockerHost] : [];
  const key = dockerHost ?? '';
  if (!building.has(key)) building.set(key, build(host));
  return building.get(key)!;
}

function build(host: string[]): Promise<void> {
  return (async () => {
    if ((await hasImage(BUSYBOX_IMAGE, host)) && (await hasImage(PAUSE_IMAGE, host))) return;
    const dir = mkdtempSync(join(tmpdir(), 'skiff-img-'));
    try {
      const root = join(dir, 'rootfs');
      mkdirSync(root);
      await buildRootfs(root);
      const tar = join(dir, 'rootfs.tar');
      await sh('tar', ['-C', root, '-cf', tar, '.']);
      await sh('docker', [...host, 'import', '-c', 'ENV PATH=/bin', '-c', 'CMD ["/bin/sh"]', tar, BUSYBOX_IMAGE]);
      await sh('docker', [...host, 'import', '-c', 'ENV PATH=/bin', '-c', 'CMD ["/bin/pause"]', tar, PAUSE_IMAGE]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
}
