// The pid file of a running cluster process, with checks against stale files and reused pids.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { errorCode } from './errors';

export function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether pid is a live process: not exited, not a zombie, and not being torn down after a kill. */
export function isAlive(pid: number): boolean {
  return signalable(pid) && procState(pid) === 'running';
}

/**
 * Whether pid has exited, its files closed (gone, or a zombie nobody reaped). Stricter than
 * !isAlive: a killed process keeps its files, ports and SQLite lock until its teardown ends, and
 * a stop that starts the cluster again must not race them.
 */
export function hasExited(pid: number): boolean {
  return !signalable(pid) || procState(pid) === 'exited';
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

// A killed process still answers kill(pid, 0) while the kernel tears it down (freeing its memory,
// then closing its files: tens of ms for a cluster) and as a zombie nobody has reaped (e.g. under
// a container init that never reaps); procfs tells the truth where it exists.
function procState(pid: number): ProcState {
  try {
    return stateByStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 'running'; // no procfs (macOS), or gone since the signal: kill(pid, 0) decides
  }
}

type ProcState = 'running' | 'exiting' | 'exited';
const PF_EXITING = 0x4;

/** What a /proc/<pid>/stat line says: exited (zombie or dead), exiting (killed, being torn down) or running. */
export function stateByStat(stat: string): ProcState {
  // Fields after the command's closing parenthesis: state, ppid, pgrp, session, tty, tpgid, flags.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return 'exited';
  return (Number(fields[6]) & PF_EXITING) !== 0 ? 'exiting' : 'running';
}

// A pid can be reused after a crash; on Linux make sure it is still a skiff process.
function looksLikeSkiff(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true; // no procfs (macOS): trust the pid
  }
  return cmdline.includes('skiff') && cmdline.includes('--foreground');
}

/** The pid of the cluster process when it is running, else undefined. */
export function runningPid(path: string): number | undefined {
  const pid = readPid(path);
  return pid !== undefined && isAlive(pid) && looksLikeSkiff(pid) ? pid : undefined;
}

/**
 * Claims the pid file for this process. Returns the other pid when a live cluster process
 * already holds it; a stale file is replaced.
 */
export function claimPidFile(path: string, pid = process.pid): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return undefined;
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
      const other = runningPid(path);
      if (other !== undefined && other !== pid) return other;
      rmSync(path, { force: true });
    }
  }
  return undefined;
}

/** Removes the pid file only if it still names this pid (a newer process may own it). */
export function releasePidFile(path: string, pid = process.pid): void {
  if (readPid(path) === pid) rmSync(path, { force: true });
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return hasExited(pid);
}
