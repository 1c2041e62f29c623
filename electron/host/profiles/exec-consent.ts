// Commands a profile's credentials would run (an exec plugin, or a gcp/azure auth-provider's
// cmd-path) and the user's consents, per profile and per exact need (consent-need.ts: command,
// args, env, files read and the target). consent.json keeps a fingerprint and what to show,
// not env values (they may be secrets).
import type { User } from '@kubernetes/client-node';
import { cachedJsonReader, writeJsonFile } from './json-file';
import type { ConsentNeed } from './consent-need';
import type { ExecCommand } from '../protocol';

/** What the user's credentials would run; undefined when they run nothing. */
export function execCommandOf(user: User | undefined): ExecCommand | undefined {
  if (!user) return undefined;
  const exec = user.exec ?? (user.authProvider?.config?.exec as Record<string, any> | undefined);
  if (exec) {
    return {
      command: String(exec.command ?? ''),
      args: Array.isArray(exec.args) ? exec.args.map(String) : [],
      env: Array.isArray(exec.env)
        ? exec.env.map((e: { name?: unknown; value?: unknown }) => ({ name: String(e?.name ?? ''), value: String(e?.value ?? '') }))
        : [],
      via: 'exec',
      ...(typeof exec.installHint === 'string' && exec.installHint ? { installHint: exec.installHint } : {}),
    };
  }
  const ap = user.authProvider as { name?: string; config?: Record<string, unknown> } | undefined;
  const cmd = ap?.config?.['cmd-path'];
  if (typeof cmd === 'string' && cmd) {
    // gcp/azure run `"<cmd-path>" <cmd-args>` through a shell.
    const args = typeof ap?.config?.['cmd-args'] === 'string' ? [ap.config['cmd-args'] as string] : [];
    return { command: cmd, args, env: [], via: 'auth-provider' };
  }
  return undefined;
}

/** The command the user was shown equals the one the profile would run now. */
export function sameCommand(a: Pick<ExecCommand, 'command' | 'args' | 'env'>, b: ExecCommand): boolean {
  const key = (c: Pick<ExecCommand, 'command' | 'args' | 'env'>) =>
    JSON.stringify([c.command, c.args, c.env.map((e) => [e?.name, e?.value])]);
  return key(a) === key(b);
}

interface ConsentRecord {
  /** Of the command, the files and the target (consent-need.ts). */
  fingerprint: string;
  command?: string;
  args?: string[];
  envNames?: string[];
  files?: string[];
  server?: string;
  at: string;
}

interface ConsentFileShape {
  version: 1;
  profiles: Record<string, ConsentRecord[]>;
}

export interface ConsentStore {
  allowed(profile: string, need: ConsentNeed): boolean;
  allow(profile: string, need: ConsentNeed): void;
  /** Forgets every consent of the profile. */
  revoke(profile: string): void;
}

/**
 * Reads the file on every question: the CLI and the app share it, and it is tiny. Records
 * made before consents were bound to the target hold a command-only fingerprint, which no
 * longer matches: such profiles ask once more.
 */
export function createConsentStore(file: string): ConsentStore {
  const reader = cachedJsonReader<Partial<ConsentFileShape>>(file, {});
  const read = (): ConsentFileShape => {
    const f = structuredClone(reader());
    return { version: 1, profiles: f.profiles && typeof f.profiles === 'object' ? f.profiles : {} };
  };
  return {
    allowed(profile, need) {
      try {
        const list = reader().profiles?.[profile];
        return Array.isArray(list) && list.some((r) => r?.fingerprint === need.fingerprint);
      } catch {
        return false; // a damaged file grants nothing
      }
    },
    allow(profile, need) {
      const f = read();
      const list = (f.profiles[profile] ?? []).filter((r) => r.fingerprint !== need.fingerprint);
      list.push({
        fingerprint: need.fingerprint,
        ...(need.exec ? { command: need.exec.command, args: need.exec.args, envNames: need.exec.env.map((e) => e.name) } : {}),
        ...(need.files.length ? { files: need.files.map((x) => x.path) } : {}),
        server: need.target.server,
        at: new Date().toISOString(),
      });
      f.profiles[profile] = list;
      writeJsonFile(file, f);
    },
    revoke(profile) {
      const f = read();
      if (!f.profiles[profile]) return;
      delete f.profiles[profile];
      writeJsonFile(file, f);
    },
  };
}

/** "the exec plugin "aws" was not found ..." with the PATH searched and what to do; undefined for other errors. */
export function describeExecError(
  err: unknown,
  cmd: ExecCommand | undefined,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const e = err as NodeJS.ErrnoException & { path?: string; spawnargs?: string[] };
  const isSpawn = typeof e?.syscall === 'string' && e.syscall.startsWith('spawn');
  if (!isSpawn && (!cmd || typeof e?.syscall === 'string')) return undefined; // e.g. an unreadable CA file: not the plugin's fault
  const command = e?.path ?? cmd?.command ?? '?';
  const pathVar = cmd?.env.find((x) => x.name === 'PATH')?.value ?? env.PATH ?? '';
  if (isSpawn && e.code === 'ENOENT') {
    const where = /[\\/]/.test(command) ? `${command} does not exist` : `it is not on the PATH the app searched (${pathVar || 'empty'})`;
    const hint = cmd?.installHint ? ` ${cmd.installHint.trim()}` : '';
    return `the exec plugin "${command}" was not found: ${where}. The app's PATH may differ from your login shell's: put the plugin's absolute path in the kubeconfig (users[].user.exec.command), or start Skiff from a terminal where \`command -v ${command}\` finds it.${hint}`;
  }
  if (isSpawn && (e.code === 'EACCES' || e.code === 'EPERM'))
    return `the exec plugin "${command}" cannot be run (permission denied); make it executable (chmod +x)`;
  if (cmd && !isSpawn) {
    const msg = String(e?.message ?? err)
      .trim()
      .split('\n')
      .slice(0, 3)
      .join(' ');
    // Not the parser's message: it quotes the output, which may be a credential.
    if (e instanceof SyntaxError) return `the exec plugin "${command}" did not print an ExecCredential (its output is not JSON)`;
    return `the exec plugin "${command}" failed: ${msg || 'it exited with an error and printed nothing'}`;
  }
  return undefined;
}
