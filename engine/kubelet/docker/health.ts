// Watches whether the Docker engine answers: a kubelet whose runtime is gone must say so
// (node NotReady) and come back by itself when the engine returns.
import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { dockerDownMessage, dockerEndpoint, startDockerHowTo } from '../../docker/docker-down';

export interface RuntimeHealth {
  healthy(): boolean;
  /** While down: what is wrong and what to do (docker-down.ts's words); undefined while healthy. */
  why(): string | undefined;
  /** Pings now (tests; also the first check). Resolves with the new verdict. */
  check(): Promise<boolean>;
  stop(): void;
}

export interface RuntimeHealthOptions {
  docker: Docker;
  intervalMs?: number;
  /** Called when the verdict flips. */
  onChange?: (healthy: boolean) => void;
  /** A ping slower than this counts as down (a hung socket is as bad as a dead one). */
  timeoutMs?: number;
  /** More that must hold besides a ping answer (the event stream is open). */
  ready?: () => boolean;
}

export function createRuntimeHealth(o: RuntimeHealthOptions): RuntimeHealth {
  let ok = true;
  let why: string | undefined;
  let inFlight: Promise<boolean> | undefined;
  const timeoutMs = o.timeoutMs ?? 5000;
  const at = () => dockerEndpoint(o.docker);
  const down = (said: string) => {
    why = said;
    return false;
  };

  function settle(now: boolean): boolean {
    inFlight = undefined;
    if (now) why = undefined;
    if (now !== ok) {
      ok = now;
      o.onChange?.(now);
    }
    return now;
  }

  // A Docker shutting down removes its socket first, yet still answers on kept-alive connections.
  // Resolves with the missing socket's path, if it is missing.
  async function socketGone(): Promise<string | undefined> {
    const sp = (o.docker.modem as unknown as { socketPath?: unknown } | undefined)?.socketPath;
    const path: unknown = typeof sp === 'function' ? await Promise.resolve((sp as () => unknown)()).catch(() => undefined) : sp;
    return typeof path === 'string' && path.startsWith('/') && !existsSync(path) ? path : undefined;
  }

  function check(): Promise<boolean> {
    inFlight ??= new Promise<boolean>((resolve) => {
      const t = setTimeout(
        () => resolve(down(`Docker does not answer at ${at()} within ${timeoutMs} ms. To fix: restart Docker (${startDockerHowTo()})`)),
        timeoutMs,
      );
      t.unref();
      socketGone()
        .then((gone) =>
          gone
            ? down(dockerDownMessage({ syscall: 'connect', code: 'ENOENT', address: gone })!)
            : o.docker
                .ping()
                .then(() => (!o.ready || o.ready() ? true : down("Docker's event stream is closed (Docker is stopping or restarting)"))),
        )
        .then(resolve, (e: Error) =>
          resolve(down(dockerDownMessage(e, at()) ?? `Docker does not answer: ${String(e?.message ?? e).split('\n')[0]}`)),
        )
        .finally(() => clearTimeout(t));
    }).then(settle);
    return inFlight;
  }

  const timer = setInterval(() => void check(), o.intervalMs ?? 5000);
  timer.unref();
  return { healthy: () => ok, why: () => (ok ? undefined : why), check, stop: () => clearInterval(timer) };
}
