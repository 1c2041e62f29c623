// Watches whether the Docker engine answers: a kubelet whose runtime is gone must say so
// (node NotReady) and come back by itself when the engine returns.
import type Docker from 'dockerode';
import { existsSync } from 'node:fs';

export interface RuntimeHealth {
  healthy(): boolean;
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
  let inFlight: Promise<boolean> | undefined;
  const timeoutMs = o.timeoutMs ?? 5000;

  function settle(now: boolean): boolean {
    inFlight = undefined;
    if (now !== ok) {
      ok = now;
      o.onChange?.(now);
    }
    return now;
  }

  // A Docker shutting down removes its socket first, yet still answers on kept-alive connections.
  async function socketGone(): Promise<boolean> {
    const sp = (o.docker.modem as unknown as { socketPath?: unknown } | undefined)?.socketPath;
    const path: unknown = typeof sp === 'function' ? await Promise.resolve((sp as () => unknown)()).catch(() => undefined) : sp;
    return typeof path === 'string' && path.startsWith('/') && !existsSync(path);
  }

  function check(): Promise<boolean> {
    inFlight ??= new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      t.unref();
      socketGone()
        .then((gone) => (gone ? false : o.docker.ping().then(() => (o.ready ? o.ready() : true))))
        .then(resolve, () => resolve(false))
        .finally(() => clearTimeout(t));
    }).then(settle);
    return inFlight;
  }

  const timer = setInterval(() => void check(), o.intervalMs ?? 5000);
  timer.unref();
  return { healthy: () => ok, check, stop: () => clearInterval(timer) };
}
