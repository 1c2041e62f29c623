// Stopping a cluster's process: SIGTERM (it stops its control plane and containers itself),
// then SIGKILL if it lingers. The process removes its own pid file on a clean stop.
import { rmSync } from 'node:fs';
import { SkiffError } from './errors';
import type { ClusterPaths } from './paths';
import { readPid, runningPid, waitForExit } from './pid-file';

export type StopResult =
  /** It ran and has exited. */
  | { stopped: true; pid: number }
  /** Nothing to stop: no live cluster process (a stale pid file is removed). */
  | { stopped: false; reason: 'not running' };

export interface StopTimeouts {
  termMs: number;
  killMs: number;
}

/** `afterKill`: what the process could not do itself once it had to be killed (stop its containers). */
export async function stopClusterProcess(paths: ClusterPaths, t: StopTimeouts, afterKill?: () => Promise<unknown>): Promise<StopResult> {
  const pid = runningPid(paths.pid);
  if (pid === undefined) {
    rmSync(paths.pid, { force: true }); // stale
    return { stopped: false, reason: 'not running' };
  }
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, t.termMs))) {
    signal(pid, 'SIGKILL');
    if (!(await waitForExit(pid, t.killMs))) {
      throw new SkiffError(`cluster process ${pid} did not exit`, `kill it by hand (kill -9 ${pid})`);
    }
    await afterKill?.();
  }
  // Not removed by the process after SIGKILL.
  if (readPid(paths.pid) === pid) rmSync(paths.pid, { force: true });
  return { stopped: true, pid };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') {
      throw new SkiffError(`not allowed to stop cluster process ${pid}`, 'run skiff stop as the user that started it');
    }
  }
}
