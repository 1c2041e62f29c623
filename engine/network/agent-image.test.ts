import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarBuffer } from '../docker/tar';
import { findIproute2, isDynamicElf, localAgentImageTag, sharedLibraries } from './agent-image';

test('tar archives unpack with the system tar: dirs, files, symlinks, long paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-tar-'));
  try {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
    writeFileSync(join(dir, 'src'), 'from disk');
    const tar = await tarBuffer([
      { type: 'dir', path: 'skiff' },
      { type: 'file', path: 'skiff/agent.mjs', data: Buffer.from('console.log(1)'), mode: 0o644 },
      { type: 'file', path: '/bin/tool', fromFile: join(dir, 'src'), mode: 0o755 },
      { type: 'symlink', path: 'bin/ip', target: 'busybox' },
      { type: 'dir', path: `${'d'.repeat(60)}/${'e'.repeat(60)}` },
      { type: 'file', path: long, data: Buffer.from('deep') },
    ]);
    assert.equal(tar.length % 512, 0);
    writeFileSync(join(dir, 'a.tar'), tar);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', out]);
    assert.equal(readFileSync(join(out, 'skiff/agent.mjs'), 'utf8'), 'console.log(1)');
    assert.equal(readFileSync(join(out, 'bin/tool'), 'utf8'), 'from disk');
    assert.equal(readlinkSync(join(out, 'bin/ip')), 'busybox');
    assert.equal(readFileSync(join(out, long), 'utf8'), 'deep');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the image tag names the node version and Docker architecture', () => {
  assert.equal(localAgentImageTag('v20.20.2', 'x64'), 'skiff/net-agent:3-node20.20.2-amd64');
  assert.equal(localAgentImageTag('v22.1.0', 'arm64'), 'skiff/net-agent:3-node22.1.0-arm64');
});

test("ELF inspection tells dynamic from static binaries; ldd lists node's libraries", { skip: process.platform !== 'linux' }, async () => {
  assert.throws(() => isDynamicElf(new URL(import.meta.url).pathname), /not an ELF/);
  if (isDynamicElf(process.execPath)) {
    const libs = await sharedLibraries(process.execPath);
    assert.ok(
      libs.some((l) => /libc\.so/.test(l)),
      libs.join(' '),
    );
    assert.ok(
      libs.some((l) => /ld-linux|ld-musl/.test(l)),
      'the loader is listed',
    );
  }
  const described = (p: string) => {
    try {
      return execFileSync('file', ['-L', p], { encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  for (const p of ['/usr/bin/busybox', '/bin/busybox']) {
    if (existsSync(p) && /statically linked/.test(described(p))) assert.equal(isDynamicElf(p), false);
  }
});

test("iproute2's ip and bridge are found on PATH first; a busybox `ip` does not count", () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'skiff-iproute2-')));
  try {
    const [real, boxed] = [join(dir, 'real'), join(dir, 'boxed')];
    mkdirSync(real);
    mkdirSync(boxed);
    for (const t of ['ip', 'bridge']) writeFileSync(join(real, t), '');
    writeFileSync(join(boxed, 'busybox'), '');
    symlinkSync(join(boxed, 'busybox'), join(boxed, 'ip'));
    symlinkSync(join(boxed, 'busybox'), join(boxed, 'bridge'));
    assert.deepEqual(findIproute2(`${boxed}:${real}`), { ip: join(real, 'ip'), bridge: join(real, 'bridge') });
    assert.ok(!findIproute2(boxed)?.ip.endsWith('/busybox'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
