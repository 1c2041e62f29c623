// When the app host (app-main.ts listenApp) loads its API: the services weigh about a second
// of module loading, which would hold back the page's own files if it ran while a browser asks
// for them. It starts on the first of:
//   - an API or kube proxy request (listenApp's deferred handlers; those wait for it anyway);
//   - every file the page (index.html) names sent: the browser parses and runs the script now,
//     and the API loads meanwhile;
//   - a pause of idleMs with nothing in flight after some page file was sent (a browser that
//     had the other files cached asks for none);
//   - quietMs after listening without any request (no browser yet: it may take seconds to
//     start, and the API is ready when it comes);
//   - fallbackMs after listening.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LoadTriggerOptions {
  load(): void;
  /** The paths (/assets/...) the page names, read when first needed. */
  pageAssets(): string[];
  idleMs: number;
  quietMs: number;
  fallbackMs: number;
}

export interface LoadTrigger {
  /** Sees every request (the host server's observe hook). */
  observe(req: IncomingMessage, res: ServerResponse): void;
  /** The server listens: the quiet and fallback clocks start. */
  listening(): void;
  /** Loading started elsewhere, or the server closes: no timer fires any more. */
  stop(): void;
}

/** The /assets/ files an HTML page names (src and href attributes), as URL paths. */
export function namedAssets(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="(\/assets\/[^"?#]+)[^"]*"/g)].map((m) => m[1]);
}

export function createLoadTrigger(o: LoadTriggerOptions): LoadTrigger {
  let done = false;
  let inFlight = 0;
  let named: Set<string> | undefined;
  const sent = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const later = (name: string, ms: number) => {
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(fire, ms));
  };
  const cancel = (name: string) => {
    clearTimeout(timers.get(name));
    timers.delete(name);
  };
  const stop = () => {
    done = true;
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  };
  function fire() {
    if (done) return;
    stop();
    o.load();
  }
  return {
    observe(req, res) {
      if (done) return;
      inFlight++;
      cancel('quiet');
      cancel('idle');
      res.once('close', () => {
        inFlight--;
        if (done) return;
        const path = (req.url ?? '').split('?')[0];
        if (!path.startsWith('/assets/') || !res.writableFinished) {
          if (sent.size && inFlight === 0) later('idle', o.idleMs);
          return;
        }
        sent.add(path);
        named ??= new Set(o.pageAssets());
        if (named.size && [...named].every((p) => sent.has(p))) return fire();
        if (inFlight === 0) later('idle', o.idleMs);
      });
    },
    listening() {
      if (done) return;
      if (inFlight === 0 && !sent.size) later('quiet', o.quietMs);
      later('fallback', o.fallbackMs);
    },
    stop,
  };
}
