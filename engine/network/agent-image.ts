// The network agent's image. On a Linux host Skiff builds `skiff/net-agent:<version>` itself, offline,
// by `docker import` of a rootfs holding the host's own `node` (with the shared libraries `ldd`
// lists and the dynamic loader) and a static busybox (for `ip`, `arping`, `sh`). Elsewhere (macOS,
// Windows: the host's node cannot run in a Linux container) or when that fails, `node:20-alpine`
// is used (pulled when missing; its busybox has `ip`). SKIFF_NET_AGENT_IMAGE overrides both.
import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { tarStream, type TarEntry } from '../docker/tar';

export const AGENT_IMAGE_REPO = 'skiff/net-agent';
/** Bump when the rootfs layout changes (2: nft for the kernel Service path; 3: iproute2 for the pod overlay). */
const LAYOUT = '3';
export const FALLBACK_AGENT_IMAGE = 'node:20-alpine';

const DOCKER_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };

/** The tag Skiff builds for this host's node: skiff/net-agent:3-node20.20.2-amd64. */
export function localAgentImageTag(nodeVersion = process.version, arch = process.arch): string {
  return `${AGENT_IMAGE_REPO}:${LAYOUT}-node${nodeVersion.replace(/^v/, '')}-${DOCKER_ARCH[arch] ?? arch}`;
}

const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 8 << 20 }, (err, out, errOut) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${(errOut || err.message).trim()}`)) : resolve(out),
    ),
  );

/** Whether an ELF executable names a dynamic loader (PT_INTERP); false for static binaries. */
export function isDynamicElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF executable`);
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64 ? Number(le ? head.readBigUInt64LE(0x20) : head.readBigUInt64BE(0x20)) : u32(head, 0x1c);
    const phentsize = u16(head, is64 ? 0x36 : 0x2a);
    const phnum = u16(head, is64 ? 0x38 : 0x2c);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (u32(ph, i * phentsize) === 3) return true;
    return false;
  } finally {
    closeSync(fd);
  }
}

/** busybox on PATH (or in /bin, /usr/bin), which must be static: it runs beside a foreign libc. */
export function findStaticBusybox(path = process.env.PATH ?? ''): string {
  const dirs = [...path.split(delimiter).filter(Boolean), '/bin', '/usr/bin', '/sbin'];
  const found = dirs.map((d) => join(d, 'busybox')).find((p) => existsSync(p));
  const fix =
    'install a static busybox (Debian/Ubuntu: apt-get install busybox-static; Fedora: dnf install busybox), or set SKIFF_NET_AGENT_IMAGE to an image with node and busybox';
  if (!found) throw new Error(`no busybox found on PATH; ${fix}`);
  if (isDynamicElf(realpathSync(found))) throw new Error(`${found} is dynamically linked; ${fix}`);
  return realpathSync(found);
}

/** The shared libraries and loader a binary needs, as `ldd` lists them (paths as the loader looks them up). */
export async function sharedLibraries(binary: string): Promise<string[]> {
  if (!isDynamicElf(binary)) return [];
  const out = await run('ldd', [binary]);
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs];
}

/** The host's `nft` (the kernel Service path), when it has one; without it the agent proxies in userspace. */
export function findNft(path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin'];
  const found = dirs.map((d) => join(d, 'nft')).find((p) => existsSync(p));
  return found && realpathSync(found);
}

/**
 * The host's iproute2 `ip` and `bridge` (the pods' VXLAN overlay, pod-overlay.ts: busybox's `ip`
 * cannot make a VXLAN device or FDB entries), when it has both; a busybox `ip` does not count.
 */
export function findIproute2(path = process.env.PATH ?? ''): { ip: string; bridge: string } | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  const find = (name: string) =>
    dirs
      .map((d) => join(d, name))
      .filter((p) => existsSync(p))
      .map((p) => realpathSync(p))
      .find((p) => !p.endsWith('/busybox'));
  const ip = find('ip');
  const bridge = find('bridge');
  return ip && bridge ? { ip, bridge } : undefined;
}

/** The rootfs of the local image: node and nft with their libraries, busybox with its applets, a few /etc files. */
export async function agentRootfs(): Promise<TarEntry[]> {
  const node = realpathSync(process.execPath);
  const busybox = findStaticBusybox();
  const nft = findNft();
  const iproute2 = findIproute2();
  const extra = [nft, iproute2?.ip, iproute2?.bridge].filter((b): b is string => !!b);
  const libs = [
    ...new Set([...(await sharedLibraries(node)), ...(await Promise.all(extra.map((b) => sharedLibraries(b).catch(() => [])))).flat()]),
  ];
  const applets = (await run(busybox, ['--list']))
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /^[a-z0-9_.[-]+$/i.test(s) && s !== 'busybox' && s !== 'node');
  const dirs = new Set(['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'tmp', 'skiff', 'proc', 'sys', 'dev', 'root']);
  for (const l of libs) for (let d = dirname(l).replace(/^\//, ''); d && d !== '.'; d = dirname(d)) dirs.add(d);
  const entries: TarEntry[] = [...dirs].sort().map((path) => ({ type: 'dir' as const, path, mode: path === 'tmp' ? 0o1777 : 0o755 }));
  entries.push({ type: 'file', path: 'usr/bin/node', fromFile: node, mode: 0o755 });
  if (nft) entries.push({ type: 'file', path: 'usr/bin/nft', fromFile: nft, mode: 0o755 });
  // Off PATH (busybox's `ip` stays the agent's); the routes script calls them by path.
  if (iproute2) {
    entries.push({ type: 'file', path: 'usr/sbin/ip', fromFile: iproute2.ip, mode: 0o755 });
    entries.push({ type: 'file', path: 'usr/sbin/bridge', fromFile: iproute2.bridge, mode: 0o755 });
  }
  for (const l of libs) entries.push({ type: 'file', path: l, fromFile: realpathSync(l), mode: statSync(realpathSync(l)).mode & 0o777 });
  entries.push({ type: 'file', path: 'bin/busybox', fromFile: busybox, mode: 0o755 });
  for (const a of applets) entries.push({ type: 'symlink', path: `bin/${a}`, target: 'busybox' });
  entries.push(
    { type: 'file', path: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n') },
    { type: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\nnobody:x:65534:\n') },
    { type: 'file', path: 'etc/nsswitch.conf', data: Buffer.from('hosts: files dns\n') },
  );
  return entries;
}

async function imagePresent(docker: Docker, ref: string): Promise<boolean> {
  return docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      (e: any) => {
        if (e?.statusCode === 404) return false;
        throw e;
      },
    );
}

function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<any[]> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: any, out: any[]) => {
      const failed = out?.find((o) => o?.error || o?.errorDetail);
      if (err || failed) reject(err ?? new Error(failed.error ?? failed.errorDetail?.message));
      else resolve(out);
    }),
  );
}

/** Builds the local agent image (a Linux host whose Docker runs the same architecture). */
export async function buildAgentImage(docker: Docker, tag = localAgentImageTag(), log: (line: string) => void = () => {}): Promise<string> {
  if (process.platform !== 'linux') throw new Error(`the host's node (${process.platform}) cannot run in a Linux container`);
  const engineArch = (await docker.version()).Arch;
  if (engineArch && engineArch !== (DOCKER_ARCH[process.arch] ?? process.arch))
    throw new Error(`Docker runs ${engineArch} containers, this node is ${process.arch}`);
  const t = performance.now();
  const entries = await agentRootfs();
  const [repo, version] = tag.split(':');
  const stream = await docker.importImage(
    tarStream(entries) as any,
    {
      repo,
      tag: version,
      changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin:/sbin', 'CMD ["node"]', 'LABEL skiff.image=net-agent'],
    } as any,
  );
  await followProgress(docker, stream as any);
  log(`network agent image ${tag} built from this host's node and busybox (${Math.round(performance.now() - t)} ms)`);
  return tag;
}

/** The image to run the agent from: SKIFF_NET_AGENT_IMAGE, else the local build, else node:20-alpine. */
export async function ensureAgentImage(docker: Docker, o: { log?: (line: string) => void; override?: string } = {}): Promise<string> {
  const log = o.log ?? (() => {});
  const override = o.override ?? process.env.SKIFF_NET_AGENT_IMAGE;
  if (override) {
    if (!(await imagePresent(docker, override))) await pull(docker, override, 'SKIFF_NET_AGENT_IMAGE');
    return override;
  }
  const tag = localAgentImageTag();
  if (await imagePresent(docker, tag)) return tag;
  let why = '';
  try {
    return await buildAgentImage(docker, tag, log);
  } catch (e) {
    why = (e as Error).message;
    log(`network agent: cannot build ${tag} (${why}); trying ${FALLBACK_AGENT_IMAGE}`);
  }
  if (await imagePresent(docker, FALLBACK_AGENT_IMAGE)) return FALLBACK_AGENT_IMAGE;
  try {
    await pull(docker, FALLBACK_AGENT_IMAGE, 'the fallback');
    return FALLBACK_AGENT_IMAGE;
  } catch (e) {
    throw new Error(`no network agent image: building ${tag} failed (${why}) and ${(e as Error).message}`);
  }
}

async function pull(docker: Docker, ref: string, what: string): Promise<void> {
  try {
    await followProgress(docker, await docker.pull(ref));
  } catch (e) {
    throw new Error(
      `${what} image ${ref} is not present and cannot be pulled (${String((e as Error).message).split('\n')[0]}); load it with docker load/docker pull`,
    );
  }
}
