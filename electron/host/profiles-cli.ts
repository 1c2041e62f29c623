// `skiff profiles ...`: kubeconfig profiles from the terminal, sharing <dataDir>/profiles/
// with the app (what one imports, the other lists). Never writes the user's kubeconfig files.
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { contextName } from '../../engine/cluster/kubeconfig';
import { defaultDataDir } from '../../engine/cluster/paths';
import { listClusterNames } from '../../engine/cluster/cluster-status';
import { HostHttpError } from './http/http-util';
import { createKubeconfigProfiles, type KubeconfigProfiles } from './profiles/kubeconfig-profiles';
import { standaloneKubeconfig } from './profiles/kubeconfig-profile';
import type { ProfileCheck, ProfileSource, ProfileSummary } from './protocol';

export const PROFILES_HELP = `skiff profiles - the contexts of your kubeconfig files as Skiff profiles (shared with the app)

Usage:
  skiff profiles list [--check] [--json]    every profile: name, server, status (--check connects to each)
  skiff profiles import FILE|DIR [--copy]   add a kubeconfig file or a folder of them, read where they are
                                            (the app watches them); --copy stores an encrypted copy instead
  skiff profiles import -                   read a kubeconfig from stdin (stored encrypted)
  skiff profiles remove NAME|SOURCE         stop listing a profile, or remove a source (your files stay as they are)
  skiff profiles check NAME                 connect and say precisely what works or why not (exit 1 on failure)
  skiff profiles consent NAME [--yes]       allow what NAME's credentials run or read, for its server (shown first)
  skiff profiles kubeconfig NAME            print a kubeconfig for that profile only, credentials inlined
  skiff profiles sources                    the files and folders read, with their problems

Flags:
  --data-dir DIR   where Skiff keeps its state (default $SKIFF_HOME or ~/.skiff)

Your default kubeconfig ($KUBECONFIG or ~/.kube/config) is read by default; "skiff profiles remove default" stops that.
`;

export interface ProfilesIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** All of stdin (for `import -`). */
  stdin(): Promise<string>;
  /** Asks a yes/no question; undefined when there is no terminal to ask on. */
  confirm?(question: string): Promise<boolean>;
}

interface Flags {
  sub?: string;
  args: string[];
  dataDir?: string;
  copy: boolean;
  check: boolean;
  json: boolean;
  yes: boolean;
  help: boolean;
}

export function parseProfilesFlags(argv: string[]): Flags {
  const f: Flags = { args: [], copy: false, check: false, json: false, yes: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (a === '-h' || a === '--help' || (a === 'help' && !f.sub)) f.help = true;
    else if (m?.[1] === 'data-dir') {
      const v = m[2] ?? argv[++i];
      if (!v || (m[2] === undefined && v.startsWith('--'))) throw new Error('--data-dir needs a value; write --data-dir DIR');
      f.dataDir = resolve(v);
    } else if (a === '--copy') f.copy = true;
    else if (a === '--check') f.check = true;
    else if (a === '--json') f.json = true;
    else if (a === '--yes' || a === '-y') f.yes = true;
    else if (m) throw new Error(`unknown flag "${a}" for "skiff profiles"; run "skiff profiles --help"`);
    else if (!f.sub) f.sub = a;
    else f.args.push(a);
  }
  return f;
}

const processIo = (): ProfilesIo => {
  // `skiff profiles list | head`: a closed pipe ends the command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  return makeProcessIo();
};

const makeProcessIo = (): ProfilesIo => ({
  out: (l) => void process.stdout.write(l + '\n'),
  err: (l) => void process.stderr.write(l + '\n'),
  env: process.env,
  cwd: process.cwd(),
  async stdin() {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  confirm: process.stdin.isTTY
    ? async (q) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return /^y(es)?$/i.test((await rl.question(`${q} [y/N] `)).trim());
        } finally {
          rl.close();
        }
      }
    : undefined,
});

export async function main(argv: string[], io: ProfilesIo = processIo()): Promise<number> {
  let flags: Flags;
  try {
    flags = parseProfilesFlags(argv);
  } catch (err) {
    io.err(`skiff: ${(err as Error).message}`);
    return 1;
  }
  if (flags.help || !flags.sub) {
    (flags.help ? io.out : io.err)(PROFILES_HELP.trimEnd());
    return flags.help ? 0 : 1;
  }
  const dataDir = flags.dataDir ?? defaultDataDir(io.env);
  const reg = createKubeconfigProfiles({
    dataDir,
    env: io.env,
    cwd: io.cwd,
    watch: false,
    autoCheck: false,
    reserved: () => listClusterNames(dataDir).map(contextName),
  });
  try {
    return await run(reg, flags, io);
  } catch (err) {
    if (err instanceof HostHttpError) io.err(`skiff: ${err.message}${err.hint ? `; ${err.hint}` : ''}`);
    else {
      io.err(`skiff: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
      if (io.env.SKIFF_DEBUG) io.err(String((err as Error)?.stack ?? err));
    }
    return 1;
  } finally {
    reg.close();
  }
}

async function run(reg: KubeconfigProfiles, f: Flags, io: ProfilesIo): Promise<number> {
  const one = (what: string) => {
    if (f.args.length !== 1)
      throw new HostHttpError(400, `"skiff profiles ${f.sub}" takes one ${what}`, `e.g. skiff profiles ${f.sub} ${what.toUpperCase()}`);
    return f.args[0];
  };
  switch (f.sub) {
    case 'list':
    case 'ls': {
      let profiles = reg.list();
      const checks = new Map<string, ProfileCheck>();
      if (f.check) {
        await Promise.all(profiles.filter((p) => !p.error).map(async (p) => checks.set(p.name, await reg.check(p.name))));
        profiles = reg.list();
      }
      if (f.json) {
        io.out(JSON.stringify({ profiles, sources: reg.sources() }, null, 2));
        return 0;
      }
      printProfiles(profiles, io);
      printProblems(reg.sources(), io);
      return 0;
    }
    case 'sources': {
      const sources = reg.sources();
      if (f.json) io.out(JSON.stringify(sources, null, 2));
      else for (const s of sources) printSource(s, io);
      return 0;
    }
    case 'import':
    case 'add': {
      const target = one('file');
      const body = target === '-' ? { text: await io.stdin(), label: 'stdin' } : { path: target, copy: f.copy };
      const s = reg.addSource(body);
      const how =
        s.kind === 'copy'
          ? 'copied into Skiff (encrypted)'
          : s.kind === 'paste'
            ? 'stored in Skiff (encrypted)'
            : 'by reference (the app watches it)';
      io.out(
        `Imported ${s.label} ${how} as source ${s.id}: ${s.profiles.length} profile${s.profiles.length === 1 ? '' : 's'}${s.profiles.length ? `: ${s.profiles.join(', ')}` : ''}.`,
      );
      printSource(s, io, true);
      return 0;
    }
    case 'remove':
    case 'rm': {
      const name = one('name');
      if (reg.entry(name)) {
        const r = reg.removeProfile(name);
        io.out(
          r.removed === 'source'
            ? `Removed profile ${name} and its source ${r.source} (your file is untouched).`
            : `Profile ${name} is hidden; its file has other contexts and is untouched. "skiff profiles remove ${r.source}" removes the whole source.`,
        );
        return 0;
      }
      const src = reg.sources().find((s) => s.id === name || s.label === resolve(io.cwd, name));
      if (!src)
        throw new HostHttpError(404, `no profile or source named "${name}"`, 'see "skiff profiles list" and "skiff profiles sources"');
      reg.removeSource(src.id);
      io.out(
        `Removed source ${src.id} (${src.label})${src.kind === 'copy' || src.kind === 'paste' ? " and Skiff's copy of it" : ''}; your files are untouched.`,
      );
      return 0;
    }
    case 'check': {
      const name = one('name');
      if (!reg.entry(name)) throw new HostHttpError(404, `profile "${name}" does not exist`, 'see "skiff profiles list"');
      const c = await reg.check(name);
      printCheck(c, io);
      return c.ok ? 0 : 1;
    }
    case 'consent': {
      const name = one('name');
      const p = reg.summary(name);
      if (!p) throw new HostHttpError(404, `profile "${name}" does not exist`, 'see "skiff profiles list"');
      if (!p.consent)
        throw new HostHttpError(400, `profile "${name}" runs no command and reads no file that needs asking; there is nothing to allow`);
      if (p.exec) {
        io.out(`Profile ${name} runs, to get its credentials:`);
        io.out(`  command: ${p.exec.command}`);
        io.out(`  args:    ${JSON.stringify(p.exec.args)}`);
        io.out(`  env:     ${p.exec.env.length ? p.exec.env.map((e) => `${e.name}=${e.value}`).join(' ') : '(none)'}`);
      }
      if (p.consent.files.length) {
        io.out(`Profile ${name} reads these credential files from outside its kubeconfig's folder:`);
        for (const x of p.consent.files) io.out(`  ${x.field}: ${x.path}`);
      }
      const t = p.consent.target;
      io.out(
        `and sends the credentials to ${t.server} (CA: ${t.ca}${t.tlsServerName ? `, name checked: ${t.tlsServerName}` : ''}${t.proxyUrl ? `, through proxy ${t.proxyUrl}` : ''}).`,
      );
      let ok = f.yes;
      if (!ok) {
        if (!io.confirm)
          throw new HostHttpError(400, 'not allowed: there is no terminal to ask on', 'rerun with --yes to allow this exact command');
        ok = await io.confirm(p.exec ? 'Allow Skiff to run it for this profile?' : 'Allow Skiff to read them for this profile?');
      }
      if (!ok) {
        io.out('Not allowed; nothing ran.');
        return 1;
      }
      reg.consent(name, { ...p.exec, files: p.consent.files, target: p.consent.target });
      io.out(`Allowed for ${name} from now on (until its command, args, env, files, server, CA or proxy change).`);
      return 0;
    }
    case 'kubeconfig': {
      const name = one('name');
      const p = reg.get(name);
      if (!p?.exportKubeConfig) throw new HostHttpError(404, `profile "${name}" does not exist`, 'see "skiff profiles list"');
      io.out(standaloneKubeconfig(p.exportKubeConfig(), name).trimEnd());
      return 0;
    }
  }
  throw new HostHttpError(400, `unknown command "skiff profiles ${f.sub}"`, 'run "skiff profiles --help"');
}

function printProfiles(profiles: ProfileSummary[], io: ProfilesIo): void {
  if (!profiles.length) {
    io.out('No kubeconfig profiles. Import some with "skiff profiles import FILE|DIR".');
    return;
  }
  const rows = [['NAME', 'SERVER', 'STATUS', 'DETAIL']];
  for (const p of profiles) {
    const detail =
      p.reason ??
      (p.status === 'ready'
        ? [p.serverVersion, p.nodeCount !== undefined ? `${p.nodeCount} node${p.nodeCount === 1 ? '' : 's'}` : '']
            .filter(Boolean)
            .join(', ')
        : '');
    rows.push([
      p.name,
      p.server ?? '-',
      p.status,
      `${detail}${p.duplicateOf ? `${detail ? '; ' : ''}duplicate of ${p.duplicateOf} (${p.file})` : ''}`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    io.out(
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
}

function printProblems(sources: ProfileSource[], io: ProfilesIo): void {
  const errors = sources.flatMap((s) => s.errors.filter((e) => !e.context));
  if (!errors.length) return;
  io.out('');
  io.out('Problems:');
  for (const e of errors) io.out(`  ${e.file}: ${e.problem}`);
}

function printSource(s: ProfileSource, io: ProfilesIo, problemsOnly = false): void {
  if (!problemsOnly) {
    io.out(`${s.id}  ${s.kind}  ${s.label}${s.encrypted ? '  (encrypted)' : ''}`);
    io.out(
      `  profiles: ${s.profiles.length ? s.profiles.join(', ') : '(none)'}${s.hidden.length ? `; hidden: ${s.hidden.join(', ')}` : ''}`,
    );
  }
  for (const e of s.errors) io.out(`  problem: ${e.file}${e.context ? ` (context ${e.context})` : ''}: ${e.problem}`);
  if (!problemsOnly) for (const n of s.notes) io.out(`  note: ${n.file}${n.context ? ` (context ${n.context})` : ''}: ${n.problem}`);
}

function printCheck(c: ProfileCheck, io: ProfilesIo): void {
  if (!c.ok) {
    io.out(`${c.profile}: ${c.status}: ${c.reason}`);
    return;
  }
  const nodes = c.nodeCount !== undefined ? `${c.nodeCount} node${c.nodeCount === 1 ? '' : 's'}` : c.nodesNote;
  io.out(`${c.profile}: ready (${[c.server, c.serverVersion, nodes].filter(Boolean).join(', ')})`);
  if (c.namespaces) {
    const ns = c.namespaces;
    io.out(
      `  namespaces: ${ns.namespaces.join(', ') || '(none)'}${ns.from === 'allow-list' ? ` (allow-list: ${ns.reason})` : ''}; default ${ns.defaultNamespace}`,
    );
  }
}
