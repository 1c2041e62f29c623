// `skiff app [--web] [--port N] [--no-open | --open ROUTE] [--data-dir DIR]`: the app in browser mode. Starts
// the host (renderer build, host API, kube proxy) on 127.0.0.1 and prints the launch URL.
// Clusters keep running when it exits. startApp() is the same thing for in-process tests.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../../engine/cluster/paths';
import type { DockerProbe } from './app-info';
import type { AppServices } from './app-services';
import type { ClusterManager } from './clusters/cluster-manager';
import type { SecretBox } from './profiles/secret-box';
import { hasDisplay } from './open-browser';
import { openLaunchPage } from './launch-file';
import { LAUNCH_ROUTE_HINT, normalizeLaunchRoute } from './http/launch-route';
import { createDeferredHandler } from './http/deferred-handler';
import { createLoadTrigger, namedAssets } from './http/load-trigger';
import { startHostServer } from './http/server';
import { createSession } from './http/session';

type Env = Record<string, string | undefined>;

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StartAppOptions {
  dataDir?: string;
  /** 0 or undefined: a free port. */
  port?: number;
  env?: Env;
  log?: (line: string) => void;
  /** The renderer build (default: scripts/build-renderer.mjs's outdir, else dist/renderer). */
  staticDir?: string;
  /** How often to re-read the data dir (ms; 0: never). */
  pollMs?: number;
  docker?: DockerProbe;
  /** 'electron' when the Electron shell hosts the window (default 'web'). */
  mode?: 'web' | 'electron';
  /** Encrypts kubeconfigs Skiff stores (the shell passes safeStorage; default: a key file in the data dir). */
  secretBox?: SecretBox;
  /** How often kubeconfig files are re-stat'ed besides fs.watch (ms, default 1000). */
  profilePollMs?: number;
  /** Check kubeconfig profiles in the background when they appear (default true). */
  autoCheck?: boolean;
}

export interface ListeningApp {
  url: string;
  launchUrl: string;
  /** The launch URL that opens the app at an app route (`--open`). */
  launchUrlFor(route?: string): string;
  /** The same on this launch's own host name, skiff-<random>.localhost (what a browser is given). */
  browserLaunchUrlFor(route?: string): string;
  port: number;
  dataDir: string;
  /** The API's services; until they are loaded, API and kube proxy requests wait for them. */
  services: Promise<AppServices>;
  /** Closes the server; clusters keep running. */
  close(): Promise<void>;
}

export interface RunningApp extends Omit<ListeningApp, 'services'> {
  clusters: ClusterManager;
}

/** After some of the page's files, this long without a request: the browser runs the script now. */
const IDLE_MS = 50;
/** No request at all this long after listening: no browser yet, the services load meanwhile. */
const QUIET_MS = 250;
/** The services load anyway after this long. */
const FALLBACK_MS = 2000;

/**
 * The host server listening, its API's services not loaded yet (they weigh about a second of
 * module loading): they load when load-trigger.ts says (the first API or kube proxy request,
 * the page's files all sent, or no request soon after listening). `skiff app` prints its URL
 * from here, so the window's static shell paints without waiting.
 */
export async function listenApp(o: StartAppOptions & { loadNow?: boolean; quietMs?: number } = {}): Promise<ListeningApp> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  const dataDir = resolve(o.dataDir ?? defaultDataDir(env));
  const staticDir = o.staticDir ?? (await defaultStaticDir());
  let start!: () => void;
  const loadNow = new Promise<void>((resolve) => (start = resolve));
  let loading = false;
  const load = () => {
    if (loading) return;
    loading = true;
    trigger.stop();
    start();
  };
  const trigger = createLoadTrigger({
    load,
    pageAssets: () => namedAssets(readIndex(staticDir)),
    idleMs: IDLE_MS,
    quietMs: o.quietMs ?? QUIET_MS,
    fallbackMs: FALLBACK_MS,
  });
  const services = loadNow
    .then(() => import('./app-services'))
    .then((m) =>
      m.createAppServices({
        dataDir,
        env,
        log,
        pollMs: o.pollMs,
        docker: o.docker,
        mode: o.mode,
        secretBox: o.secretBox,
        profilePollMs: o.profilePollMs,
        autoCheck: o.autoCheck,
      }),
    );
  services.catch((err) => log(`host: cannot load the API: ${(err as Error).stack ?? err}`));
  const whenLoaded = () => {
    load();
    return services;
  };
  if (o.loadNow) load();
  let server;
  try {
    server = await startHostServer({
      port: o.port ?? 0,
      staticDir,
      session: createSession(),
      api: createDeferredHandler(() => whenLoaded().then((s) => s.api)),
      kubeProxy: createDeferredHandler(() => whenLoaded().then((s) => s.kubeProxy)),
      observe: (req, res) => trigger.observe(req, res),
      log,
    });
  } catch (err) {
    if (o.loadNow) await services.then((s) => s.close()).catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw Object.assign(new Error(`port ${o.port} on 127.0.0.1 is already in use; pass another --port, or leave it out for a free one`), {
        code: 'EADDRINUSE',
      });
    }
    throw err;
  }
  trigger.listening();
  const s = server;
  return {
    url: s.url,
    launchUrl: s.launchUrl,
    launchUrlFor: (route) => s.launchUrlFor(route),
    browserLaunchUrlFor: (route) => s.browserLaunchUrlFor(route),
    port: s.port,
    dataDir,
    services,
    async close() {
      trigger.stop();
      await s.close();
      if (loading) await services.then((x) => x.close()).catch(() => {});
    },
  };
}

/** listenApp with its services loaded (tests, the Electron shell). */
export async function startApp(o: StartAppOptions = {}): Promise<RunningApp> {
  const app = await listenApp({ ...o, loadNow: true });
  let clusters: ClusterManager;
  try {
    ({ clusters } = await app.services);
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    url: app.url,
    launchUrl: app.launchUrl,
    launchUrlFor: (route) => app.launchUrlFor(route),
    browserLaunchUrlFor: (route) => app.browserLaunchUrlFor(route),
    port: app.port,
    dataDir: app.dataDir,
    close: () => app.close(),
    clusters,
  };
}

function readIndex(staticDir: string): string {
  try {
    return readFileSync(join(staticDir, 'index.html'), 'utf8');
  } catch {
    return ''; // not built: the page says so, and names no files
  }
}

async function defaultStaticDir(): Promise<string> {
  try {
    const script = new URL('../../scripts/build-renderer.mjs', import.meta.url).href;
    const mod = (await import(script)) as { outdir?: string };
    if (mod.outdir) return mod.outdir;
  } catch {
    // not there yet: fall back to the conventional place
  }
  return join(ROOT, 'dist/renderer');
}

interface AppFlags {
  port?: number;
  open: boolean;
  /** --open ROUTE: where the window opens (normalized by launch-route.ts). */
  route?: string;
  dataDir?: string;
  help: boolean;
}

export const APP_HELP = `skiff app - Skiff's window in your browser

Usage: skiff app [--web] [--port N] [--no-open | --open ROUTE] [--data-dir DIR]

  --web            browser mode even where Electron and a display exist (the default elsewhere)
  --port N         port on 127.0.0.1 (default: any free port)
  --no-open        print the URL but do not open a browser
  --open ROUTE     open the app at ROUTE, as the address bar shows it after "#":
                   /c/<profile>/core/pods?ns=<namespace>, /c/<profile>/apps/deployments/<ns>/<name>
  --data-dir DIR   where clusters live (default $SKIFF_HOME or ~/.skiff)

Ctrl+C stops the app; clusters keep running (skiff stop stops them).
`;

export function parseAppFlags(argv: string[]): AppFlags {
  const flags: AppFlags = { open: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1] ?? arg;
    const value = () => {
      const v = m?.[2] ?? argv[++i];
      if (v === undefined || v === '' || (m?.[2] === undefined && v.startsWith('--')))
        throw new Error(`--${name} needs a value; write --${name} VALUE`);
      return v;
    };
    if (arg === '-h' || name === 'help') flags.help = true;
    else if (name === 'web') continue;
    else if (name === 'no-open') flags.open = false;
    else if (name === 'open') {
      const v = value();
      const route = normalizeLaunchRoute(v);
      if (!route) throw new Error(`invalid --open "${v}"; ${LAUNCH_ROUTE_HINT}`);
      flags.route = route;
    } else if (name === 'port') {
      const v = value();
      const port = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
      if (!(port >= 0 && port <= 65535)) throw new Error(`invalid --port "${v}"; use a number from 1 to 65535, or 0 for any free port`);
      flags.port = port;
    } else if (name === 'data-dir') flags.dataDir = resolve(value());
    else throw new Error(`unknown argument "${arg}" for "skiff app"; run "skiff app --help" for usage`);
  }
  return flags;
}

export interface AppIo {
  out(line: string): void;
  err(line: string): void;
  env: Env;
}

const processIo: AppIo = {
  out: (l) => void process.stdout.write(l + '\n'),
  err: (l) => void process.stderr.write(l + '\n'),
  env: process.env,
};

/**
 * The `skiff app` command; resolves with the exit code once the app was stopped. staticDir may
 * be a function (bin/skiff.mjs builds the renderer with it once the flags are known to be good).
 */
export async function main(
  argv: string[],
  opts: { staticDir?: string | (() => Promise<string | undefined>); io?: AppIo } = {},
): Promise<number> {
  const io = opts.io ?? processIo;
  let flags: AppFlags;
  try {
    flags = parseAppFlags(argv);
  } catch (err) {
    io.err(`skiff: ${(err as Error).message}`);
    return 1;
  }
  if (flags.help) {
    io.out(APP_HELP.trimEnd());
    return 0;
  }
  const dataDir = flags.dataDir ?? defaultDataDir(io.env);
  const logFile = join(dataDir, 'app.log');
  const log = (line: string) => {
    if (io.env.SKIFF_DEBUG) io.err(line);
    try {
      appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
    } catch {
      // a log we cannot write must not stop the app
    }
  };
  let app: ListeningApp;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const staticDir = typeof opts.staticDir === 'function' ? await opts.staticDir() : opts.staticDir;
    app = await listenApp({ dataDir, port: flags.port, env: io.env, log, staticDir });
  } catch (err) {
    io.err(`skiff: cannot start the app: ${(err as Error).message}`);
    return 1;
  }
  app.services.catch((err) => io.err(`skiff: the app's API cannot start: ${(err as Error).message}`));
  // The browser gets this launch's own host name, so the session cookie reaches no other
  // loopback page; the 127.0.0.1 link is for browsers that do not resolve *.localhost.
  const launchUrl = app.browserLaunchUrlFor(flags.route);
  io.out(`Skiff is running at ${launchUrl}`);
  io.out('Open that link once (it carries a one-time token). Ctrl+C stops the app; clusters keep running.');
  io.out(`If your browser cannot open *.localhost addresses, use this one instead: ${app.launchUrlFor(flags.route)}`);
  const launchPage = flags.open && hasDisplay(io.env) ? openLaunchPage(dataDir, launchUrl, (l) => io.err(`skiff: ${l}`)) : undefined;

  const sig = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  log(`host: ${sig}: closing`);
  launchPage?.remove();
  await app.close();
  io.out('Skiff stopped. Clusters keep running; "skiff stop" stops one.');
  return 0;
}
