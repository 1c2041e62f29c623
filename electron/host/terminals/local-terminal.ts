// Local terminals: the user's shell through node-pty, with KUBECONFIG pointing at a temp file
// holding only the chosen profile. WebSocket /api/terminals/local?profile=&cols=&rows= (after
// the server's session checks): binary frames are terminal bytes both ways, text frames JSON
// control ({type:'resize'} in, {type:'exit'|'error'} out). node-pty is loaded lazily so the host
// starts even when its native build failed; terminals then answer 501 saying why.
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import type { IPty } from 'node-pty';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { HostHttpError } from '../http/http-util';
import { profileKubeconfigText, writeTerminalKubeconfig } from './local-terminal-kubeconfig';
import type { ProfileRegistry } from '../profiles/profiles';
import type { LocalTerminalInfo, TerminalControl, TerminalEvent } from '../protocol';

export const LOCAL_TERMINAL_PATH = '/api/terminals/local';

export type PtyModule = Pick<typeof import('node-pty'), 'spawn'>;

export interface LocalTerminals {
  /** GET /api/terminals/local?profile=: whether a terminal can start; throws HostHttpError when not. */
  info(url: string): Promise<LocalTerminalInfo>;
  /** The WebSocket upgrade (the caller has checked the session). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Kills every terminal. */
  close(): void;
}

export interface LocalTerminalsOptions {
  profiles: ProfileRegistry;
  /** The environment shells inherit (default process.env). */
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** Loads node-pty (tests pass a failing one). */
  loadPty?: () => Promise<PtyModule>;
  platform?: NodeJS.Platform;
  /** Where the per-terminal kubeconfig goes (default os.tmpdir()). */
  tmpDir?: string;
}

const HIGH_WATER = 1 << 20;

export function createLocalTerminals(o: LocalTerminalsOptions): LocalTerminals {
  const log = o.log ?? (() => {});
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const live = new Set<{ kill(): void }>();
  let pty: Promise<PtyModule> | undefined;

  const loadPty = () => (pty ??= (o.loadPty ?? defaultLoadPty)());

  async function ptyOrThrow(): Promise<PtyModule> {
    try {
      return await loadPty();
    } catch (err) {
      throw new HostHttpError(
        501,
        `local terminals are not available: node-pty could not be loaded (${(err as Error).message.split('\n')[0]})`,
        'reinstall it with "npm rebuild node-pty" (it needs a C++ toolchain: build-essential and python3 on Linux, the Xcode command line tools on macOS)',
      );
    }
  }

  function shell(): { file: string; args: string[] } {
    if (platform === 'win32') return { file: 'powershell.exe', args: ['-NoLogo'] };
    const file = env.SHELL && existsSync(env.SHELL) ? env.SHELL : '/bin/sh';
    // macOS terminals start login shells (profile files set PATH there); elsewhere interactive ones.
    return { file, args: platform === 'darwin' ? ['-l'] : [] };
  }

  function params(url: string) {
    const q = new URL(url, 'http://x').searchParams;
    const profile = q.get('profile')?.trim();
    if (!profile) throw new HostHttpError(400, 'the "profile" query parameter is missing', 'open a terminal with ?profile=<profile name>');
    const size = (k: string, d: number) => {
      const n = Number(q.get(k) ?? d);
      return Number.isInteger(n) && n >= 2 && n <= 1000 ? n : d;
    };
    return { profile, cols: size('cols', 80), rows: size('rows', 24) };
  }

  async function prepare(url: string) {
    const p = params(url);
    const mod = await ptyOrThrow();
    const kubeconfig = profileKubeconfigText(o.profiles, p.profile);
    return { ...p, mod, kubeconfig };
  }

  function run(ws: WebSocket, p: Awaited<ReturnType<typeof prepare>>): void {
    const send = (e: TerminalEvent) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
    };
    const file = writeTerminalKubeconfig(p.kubeconfig, o.tmpDir);
    const sh = shell();
    const home = env.HOME ?? env.USERPROFILE ?? homedir();
    let term: IPty;
    try {
      term = p.mod.spawn(sh.file, sh.args, {
        name: 'xterm-256color',
        cols: p.cols,
        rows: p.rows,
        cwd: existsSync(home) ? home : process.cwd(),
        env: { ...definedOnly(env), KUBECONFIG: file.path, SKIFF_PROFILE: p.profile, TERM: 'xterm-256color', COLORTERM: 'truecolor' },
        ...(platform === 'win32' ? {} : { encoding: null }),
      });
    } catch (err) {
      file.remove();
      send({ type: 'error', message: `cannot start ${sh.file}: ${(err as Error).message}`, hint: 'set $SHELL to a shell that exists' });
      ws.close(1011, 'shell failed to start');
      return;
    }
    log(`host: local terminal for ${p.profile}: ${sh.file} (pid ${term.pid})`);
    let exited = false;
    const entry = {
      kill: () => {
        if (!exited)
          try {
            term.kill();
          } catch {
            /* already gone */
          }
      },
    };
    live.add(entry);
    let paused = false;
    term.onData((d: string | Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(typeof d === 'string' ? Buffer.from(d, 'utf8') : d, { binary: true }, () => {
        if (paused && ws.bufferedAmount < HIGH_WATER / 2) {
          paused = false;
          term.resume();
        }
      });
      // A fast writer (cat of a big file) waits for a slow browser instead of filling memory.
      if (!paused && ws.bufferedAmount > HIGH_WATER) {
        paused = true;
        term.pause();
      }
    });
    term.onExit(({ exitCode, signal }) => {
      exited = true;
      live.delete(entry);
      file.remove();
      send({ type: 'exit', code: exitCode, ...(signal ? { signal } : {}) });
      ws.close(1000, 'process exited');
    });
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      const data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      if (isBinary) return void (exited || term.write(data));
      const c = parseControl(data.toString('utf8'));
      if (c?.type === 'resize' && !exited) {
        try {
          term.resize(c.cols, c.rows);
        } catch {
          /* the pty closed meanwhile */
        }
      }
    });
    ws.on('close', () => {
      entry.kill();
      live.delete(entry);
      file.remove();
    });
    ws.on('error', () => ws.terminate());
  }

  return {
    async info(url) {
      const p = params(url);
      await ptyOrThrow();
      profileKubeconfigText(o.profiles, p.profile);
      return { available: true, shell: shell().file, profile: p.profile };
    },
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      prepare(req.url ?? '/').then(
        (p) => wss.handleUpgrade(req, socket, head, (ws) => run(ws, p)),
        (err) => {
          const e = err instanceof HostHttpError ? err : new HostHttpError(500, `cannot open a terminal: ${(err as Error).message}`);
          if (!(err instanceof HostHttpError)) log(`host: local terminal failed: ${(err as Error)?.stack ?? err}`);
          socket.end(rawJson(e.status, e.toBody()));
        },
      );
    },
    close() {
      for (const e of [...live]) e.kill();
      live.clear();
      for (const c of wss.clients) c.terminate();
    },
  };
}

async function defaultLoadPty(): Promise<PtyModule> {
  const mod = (await import('node-pty')) as PtyModule & { default?: PtyModule };
  return mod.default?.spawn ? mod.default : mod;
}

export function parseControl(text: string): TerminalControl | undefined {
  try {
    const c = JSON.parse(text);
    if (
      c?.type === 'resize' &&
      Number.isInteger(c.cols) &&
      Number.isInteger(c.rows) &&
      c.cols > 0 &&
      c.rows > 0 &&
      c.cols <= 1000 &&
      c.rows <= 1000
    ) {
      return { type: 'resize', cols: c.cols, rows: c.rows };
    }
  } catch {
    /* not JSON: ignored */
  }
  return undefined;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function rawJson(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  const reason =
    ({ 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 501: 'Not Implemented' } as Record<number, string>)[status] ?? 'Error';
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${text}`;
}
