// `skiff join --detach`: runs the same `skiff join` (without --detach) as a background process
// whose output goes to <data dir>/node/agent.log, and returns once its node is Ready (or the join
// failed, with the log's last lines). The agent claims <data dir>/node/agent.pid itself, which
// `skiff leave` reads to stop it.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPid } from '../cluster/pid-file';
import type { CliIo } from './io';

const READY_TIMEOUT_MS = 90_000;
const BUNDLED_BIN = fileURLToPath(new URL('../../bin/skiff.mjs', import.meta.url));

export interface DetachedJoin {
  /** The `skiff join` arguments without --detach. */
  args: string[];
  /** <data dir>/node: the agent's pid file and log live there. */
  stateDir: string;
}

export async function joinDetached(d: DetachedJoin, io: CliIo): Promise<number> {
  mkdirSync(d.stateDir, { recursive: true, mode: 0o700 });
  const log = join(d.stateDir, 'agent.log');
  const fd = openSync(log, 'a', 0o600);
  const bin = existsSync(BUNDLED_BIN) ? BUNDLED_BIN : process.argv[1];
  const start = existsSync(log) ? readFileSync(log).length : 0; // this run's lines only
  const child = spawn(process.execPath, [bin, 'join', ...d.args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: process.env,
  });
  closeSync(fd);
  child.unref();
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const end = Date.now() + READY_TIMEOUT_MS;
  const output = () => readFileSync(log).subarray(start).toString('utf8');
  for (;;) {
    const text = output();
    const ready = /^Node ".*" joined .* and is Ready.*$/m.exec(text);
    if (ready) {
      io.out(ready[0].replace(/ Running its agent;.*$/, ''));
      const pid = readPid(join(d.stateDir, 'agent.pid')) ?? child.pid;
      io.out(`Its agent runs in the background (pid ${pid}); log: ${log}; "skiff leave" stops it.`);
      return 0;
    }
    if (exited !== undefined || Date.now() > end) {
      if (exited === undefined) child.kill('SIGTERM');
      const tail = text.trim().split('\n').slice(-5);
      for (const line of tail) io.err(line);
      io.err(
        `skiff: the node agent ${exited === undefined ? `was not Ready within ${READY_TIMEOUT_MS / 1000} s` : `exited (${exited})`}; see ${log}`,
      );
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
