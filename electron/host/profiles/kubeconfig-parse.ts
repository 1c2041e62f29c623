// Reads one kubeconfig file into its contexts, clusters and users, entry by entry, so one bad
// entry (a cluster without server, an unreadable certificate) spoils only the contexts that
// use it. @kubernetes/client-node's KubeConfig does the kubeconfig parsing; around it we resolve
// relative file paths against the file's directory as kubectl does (the library resolves only
// some, and reads token-file relative to the process's cwd) and check referenced files.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

export interface Entry<T> {
  value?: T;
  /** Why it cannot be used. */
  problem?: string;
}

export interface ContextEntry {
  name: string;
  context?: Context;
  problem?: string;
}

export interface UserEntry extends Entry<User> {
  /** users[].user.token-file, absolute when the file has a folder; read only when used (after any consent). */
  tokenFile?: string;
}

export interface ParsedKubeconfig {
  /** The file (or a label for pasted text), for messages. */
  file: string;
  /** The kubeconfig's own folder (a copy: its original's); pasted text has none. */
  baseDir?: string;
  contexts: ContextEntry[];
  clusters: Map<string, Entry<Cluster>>;
  users: Map<string, UserEntry>;
  /** Problems not tied to one context (an entry without a name, a section that is not a list). */
  problems: string[];
  currentContext?: string;
  /** Absolute paths of the files it references (CA, certificates, keys, token files). */
  references: string[];
}

/** The whole file is unusable (missing, unreadable, not YAML, not a kubeconfig). */
export class KubeconfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'KubeconfigFileError';
  }
}

export function readKubeconfigFile(file: string): ParsedKubeconfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeconfigFileError(file, fsProblem('cannot read the file', err));
  }
  return parseKubeconfig(text, { file, baseDir: dirname(file) });
}

type Raw = Record<string, any>;
const SECTIONS = ['clusters', 'users', 'contexts'] as const;

/** baseDir: where relative paths point (the file's directory); pasted text has none. */
export function parseKubeconfig(text: string, opts: { file: string; baseDir?: string }): ParsedKubeconfig {
  const { file, baseDir } = opts;
  const doc = parseDocument(text, file);
  const out: ParsedKubeconfig = {
    file,
    ...(baseDir ? { baseDir } : {}),
    contexts: [],
    clusters: new Map(),
    users: new Map(),
    problems: [],
    references: [],
  };
  if (typeof doc['current-context'] === 'string') out.currentContext = doc['current-context'];
  const sections: Record<(typeof SECTIONS)[number], Raw[]> = { clusters: [], users: [], contexts: [] };
  for (const s of SECTIONS) {
    const v = doc[s];
    if (v == null) continue;
    if (!Array.isArray(v)) out.problems.push(`"${s}" is not a list`);
    else sections[s] = v;
  }
  const resolve = (p: unknown) => (typeof p === 'string' && p !== '' && baseDir && !isAbsolute(p) ? join(baseDir, p) : p);
  const ref = (p: unknown) => {
    if (typeof p === 'string' && p !== '' && isAbsolute(p)) out.references.push(p);
  };

  sections.clusters.forEach((raw, i) => {
    const elt = clone(raw);
    const c = elt?.cluster;
    if (c && typeof c === 'object') {
      c['certificate-authority'] = resolve(c['certificate-authority']);
      ref(c['certificate-authority']);
    }
    const entry = probe<Cluster>('clusters', elt, i, out);
    if (!entry) return;
    const problem = entry.problem ?? readable(c?.['certificate-authority'], 'certificate-authority');
    add(out.clusters, 'cluster', entry.name, { value: entry.value, problem }, out);
  });

  sections.users.forEach((raw, i) => {
    const elt = clone(raw);
    const u = elt?.user;
    let problem: string | undefined;
    let tokenFile: string | undefined;
    if (u && typeof u === 'object') {
      // kubectl's field is tokenFile (clientcmd v1); token-file is what client-node reads.
      for (const k of ['client-certificate', 'client-key', 'token-file', 'tokenFile']) {
        u[k] = resolve(u[k]);
        ref(u[k]);
        problem ??= readable(u[k], k);
      }
      // The library reads token-file while parsing; an imported file may name any file on this
      // computer, so it is read only when the profile is used, after any consent (consent-need.ts).
      const user = u as Record<string, unknown>;
      const tf = user['token-file'] ?? user.tokenFile;
      if (typeof tf === 'string' && tf && !user.token) tokenFile = tf;
      delete user['token-file'];
      delete user.tokenFile;
      // client-node's own `auth-provider.config.tokenFile` (no kubectl reads it) would send any file as a token.
      const ap = user['auth-provider'] as { config?: Record<string, unknown> } | undefined;
      if (ap?.config && typeof ap.config === 'object') delete ap.config.tokenFile;
      const cmd = u.exec?.command;
      // kubectl: an exec command with a path separator is relative to the kubeconfig's directory.
      if (typeof cmd === 'string' && /[\\/]/.test(cmd)) u.exec.command = resolve(cmd);
    }
    const entry = probe<User>('users', elt, i, out);
    if (!entry) return;
    add(out.users, 'user', entry.name, { value: entry.value, problem: entry.problem ?? problem, ...(tokenFile ? { tokenFile } : {}) }, out);
  });

  sections.contexts.forEach((raw, i) => {
    const entry = probe<Context>('contexts', clone(raw), i, out);
    if (!entry) return;
    if (out.contexts.some((c) => c.name === entry.name)) {
      out.problems.push(`context "${entry.name}" is defined more than once; the first one is used`);
      return;
    }
    out.contexts.push({ name: entry.name, context: entry.value, problem: entry.problem });
  });
  return out;
}

function parseDocument(text: string, file: string): Raw {
  let doc: unknown;
  try {
    doc = parseYaml(text, { merge: true });
  } catch (err) {
    throw new KubeconfigFileError(file, `not valid YAML: ${String((err as Error).message).split('\n')[0]}`);
  }
  if (doc == null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KubeconfigFileError(
      file,
      `not a kubeconfig: expected a mapping with clusters, users and contexts, found ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}`,
    );
  }
  return doc as Raw;
}

/** One entry through client-node (its validation and field mapping), alone, so its error stays its own. */
function probe<T>(
  section: (typeof SECTIONS)[number],
  elt: Raw,
  i: number,
  out: ParsedKubeconfig,
): { name: string; value?: T; problem?: string } | undefined {
  const name = typeof elt?.name === 'string' && elt.name !== '' ? elt.name : undefined;
  const kc = new KubeConfig();
  try {
    kc.loadFromString(JSON.stringify({ [section]: [elt] }));
  } catch (err) {
    const msg = String((err as Error).message ?? err)
      .split('\n')[0]
      .replace(`${section}[0]`, `${section}[${i}]`);
    if (!name) {
      out.problems.push(`${section}[${i}] is invalid: ${msg}`);
      return undefined;
    }
    return { name, problem: `${singular(section)} "${name}" is invalid: ${msg}` };
  }
  const list = (section === 'clusters' ? kc.getClusters() : section === 'users' ? kc.getUsers() : kc.getContexts()) as unknown as T[];
  return { name: name!, value: list[0] };
}

function add<E>(map: Map<string, E>, what: string, name: string, entry: E, out: ParsedKubeconfig): void {
  if (map.has(name)) {
    out.problems.push(`${what} "${name}" is defined more than once; the first one is used`);
    return;
  }
  map.set(name, entry);
}

/** Undefined when path is unset or a readable file; else the problem, naming the field and the path. */
function readable(path: unknown, field: string): string | undefined {
  if (typeof path !== 'string' || path === '') return undefined;
  try {
    accessSync(path, constants.R_OK);
    if (statSync(path).isDirectory()) return `cannot read ${field} ${path}: it is a directory`;
    return undefined;
  } catch (err) {
    return fsProblem(`cannot read ${field} ${path}`, err);
  }
}

export function fsProblem(what: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : String((err as Error)?.message ?? err);
  return `${what}: ${why}`;
}

function singular(section: string): string {
  return section.slice(0, -1);
}

function clone(v: unknown): Raw {
  // undefined stays undefined (probe reports the entry as invalid)
  return v === undefined ? (v as unknown as Raw) : JSON.parse(JSON.stringify(v));
}
