// The pod sandbox's only process, as a tiny static ELF Skiff writes itself (no compiler, no
// registry, nothing from the host): it blocks SIGTERM and SIGINT, waits for one of them with
// rt_sigtimedwait and exits 0. Blocked signals reach even PID 1 (which ignores signals it has no
// handler for), so `docker stop` ends it at once, as registry.k8s.io/pause does.
//
// The code was assembled with llvm-mc from this program (x86-64 shown; arm64 is the same calls):
//     rt_sigprocmask(SIG_BLOCK, &set, NULL, 8)
//   loop:
//     if (rt_sigtimedwait(&set, NULL, NULL, 8) < 0) goto loop   // EINTR
//     exit_group(0)
//   set: .quad (1 << (SIGTERM-1)) | (1 << (SIGINT-1))
import { createHash } from 'node:crypto';

const CODE: Record<string, { machine: number; hex: string }> = {
  amd64: {
    machine: 62, // EM_X86_64; syscalls 14, 128, 231
    hex:
      'b80e00000031ff488d353000000031d241ba080000000f05' +
      'b880000000488d3d1a00000031f631d241ba080000000f054885c078e3' +
      'b8e700000031ff0f05' +
      '0240000000000000',
  },
  arm64: {
    machine: 183, // EM_AARCH64; syscalls 135, 137, 94
    hex:
      '000080d2e1010010020080d2030180d2e81080d2010000d4' +
      '40010010010080d2020080d2030180d2281180d2010000d440ffffb7' +
      '000080d2c80b80d2010000d4' +
      '0240000000000000',
  },
};

/** Docker architectures (`docker version` Arch) the pause binary exists for. */
export const PAUSE_ARCHES = Object.keys(CODE);

const BASE = 0x400000;
const EHDR = 64;
const PHDR = 56;

/** The whole ELF file for a Docker architecture (amd64, arm64). */
export function pauseBinary(arch: string): Buffer {
  const c = CODE[arch];
  if (!c) throw new Error(`no built-in pause binary for ${arch} (only ${PAUSE_ARCHES.join(', ')})`);
  const code = Buffer.from(c.hex, 'hex');
  const size = EHDR + PHDR + code.length;
  const b = Buffer.alloc(size);
  // ELF header: 64-bit, little endian, version 1, System V ABI, an executable.
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(c.machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(BASE + EHDR + PHDR), 24); // entry: the first instruction
  b.writeBigUInt64LE(BigInt(EHDR), 32); // program headers right after this header
  b.writeUInt16LE(EHDR, 52);
  b.writeUInt16LE(PHDR, 54);
  b.writeUInt16LE(1, 56);
  b.writeUInt16LE(64, 58); // section header entry size (none present)
  // One PT_LOAD mapping the whole file read+execute.
  const p = EHDR;
  b.writeUInt32LE(1, p);
  b.writeUInt32LE(5, p + 4);
  b.writeBigUInt64LE(0n, p + 8);
  b.writeBigUInt64LE(BigInt(BASE), p + 16);
  b.writeBigUInt64LE(BigInt(BASE), p + 24);
  b.writeBigUInt64LE(BigInt(size), p + 32);
  b.writeBigUInt64LE(BigInt(size), p + 40);
  b.writeBigUInt64LE(0x1000n, p + 48);
  code.copy(b, EHDR + PHDR);
  return b;
}

/** sha256 of the binary: the image's label, so a changed binary means a rebuilt image. */
export function pauseDigest(arch: string): string {
  return createHash('sha256').update(pauseBinary(arch)).digest('hex');
}
