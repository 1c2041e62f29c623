// Commands a profile's credentials would run (an exec plugin, or a gcp/azure auth-provider's
// cmd-path) and the user's consent to them, per profile and per exact command (command, args
// and env). consent.json keeps a fingerprint and what to show, not env values (they may be secrets).
import { createHash } from 'node:crypto';
import type { User } from '@kubernetes/client-node';
import { cachedJsonReader, writeJsonFile } from './json-file';
import type { ExecCommand, ExecConsentRequest } from '../protocol';

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

export function execFingerprint(c: ExecConsentRequest | ExecCommand): string {
  return createHash('sha256')
    .update(JSON.stringify([c.command, c.args, c.env.map((e) => [e.name, e.value])]))
    .digest('hex');
}

/** The command the user was shown equals the one the profile would run now. */
export function sameCommand(a: ExecConsentRequest, b: ExecCommand): boolean {
  return execFingerprint(a) === execFingerprint(b);
}

interface ConsentRecord {
  fingerprint: string;
  command: string;
  args: string[];
  envNames: string[];
  at: string;
}

interface ConsentFile {
  version: 1;
  profiles: Record<string, ConsentRecord[]>;
}

export interface ConsentStore {
  allowed(profile: string, cmd: ExecCommand): boolean;
  allow(profile: string, cmd: ExecCommand): void;
  /** Forgets every consent of the profile. */
  revoke(profile: string): void;
}

/** Reads the file on every question: the CLI and the app share it, and it is tiny. */
export function createConsentStore(file: string): ConsentStore {
  const reader = cachedJsonReader<Partial<ConsentFile>>(file, {});
  const read = (): ConsentFile => {
    const f = structuredClone(reader());
    return { version: 1, profiles: f.profiles && typeof f.profiles === 'object' ? f.profiles : {} };
  };
  return {
    allowed(profile, cmd) {
      const fp = execFingerprint(cmd);
      try {
        return (read().profiles[profile] ?? []).some((r) => r.fingerprint === fp);
      } catch {
        return false; // a damaged file grants nothing
      }
    },
    allow(profile, cmd) {
      const f = read();
      const fp = execFingerprint(cmd);
      const list = (f.profiles[profile] ?? []).filter((r) => r.fingerprint !== fp);
      list.push({
        fingerprint: fp,
        command: cmd.command,
        args: cmd.args,
        envNames: cmd.env.map((e) => e.name),
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
