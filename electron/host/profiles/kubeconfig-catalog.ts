// From the parsed files of every source to one list of profiles: one per context, named by the
// context, except that a name already taken (by an earlier file, or a local cluster) becomes
// `<context>@<file basename>` with duplicateOf set — shown, never dropped silently. Files of
// the default source ($KUBECONFIG with several paths) merge as kubectl does: the first file
// that defines a cluster or user name wins.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Cluster, User } from '@kubernetes/client-node';
import type { ParsedKubeconfig } from './kubeconfig-parse';
import type { ProfileSource, ProfileSourceKind, SourceProblem } from '../protocol';

export interface LoadedFile {
  path: string;
  doc?: ParsedKubeconfig;
  /** The whole file is unusable. */
  error?: string;
  /** Not there, and that is fine (no ~/.kube/config yet). */
  absent?: boolean;
}

export interface LoadedSource {
  id: string;
  kind: ProfileSourceKind;
  label: string;
  files: LoadedFile[];
  hidden: string[];
  /** Merge the files' clusters and users (the default source: KUBECONFIG's paths). */
  merge: boolean;
  watched: boolean;
  encrypted: boolean;
  addedAt?: string;
  /** Problems of the source itself (a folder that cannot be listed, a copy that cannot be decrypted). */
  problems: SourceProblem[];
}

export interface CatalogEntry {
  name: string;
  sourceId: string;
  sourceKind: ProfileSourceKind;
  /** The kubeconfig's own folder (none for pasted text): credential files outside it need consent. */
  baseDir?: string;
  /** The user's token-file, read only when the profile is used. */
  tokenFile?: string;
  file: string;
  context: string;
  duplicateOf?: string;
  cluster?: Cluster;
  user?: User;
  namespace?: string;
  /** Why it cannot be used. */
  error?: string;
  /** Changes whenever what the profile reaches or how it authenticates changes. */
  fingerprint: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  sources: ProfileSource[];
}

/** reserved: names of local profiles; a kubeconfig context of that name on 127.0.0.1 is the same cluster. */
export function buildCatalog(sources: LoadedSource[], reserved: ReadonlySet<string> = new Set()): Catalog {
  const entries: CatalogEntry[] = [];
  const taken = new Set<string>(reserved);
  const outSources: ProfileSource[] = [];

  for (const src of sources) {
    const out: ProfileSource = {
      id: src.id,
      kind: src.kind,
      label: src.label,
      paths: src.files.map((f) => f.path),
      watched: src.watched,
      encrypted: src.encrypted,
      ...(src.addedAt ? { addedAt: src.addedAt } : {}),
      profiles: [],
      hidden: [...src.hidden],
      errors: [...src.problems],
      notes: [],
    };
    outSources.push(out);
    const docs = src.files.filter((f) => f.doc).map((f) => f.doc!);
    for (const f of src.files) {
      if (f.error) out.errors.push({ file: f.path, problem: f.error });
      else if (f.absent) out.notes.push({ file: f.path, problem: 'does not exist (yet); its contexts show up when it does' });
      for (const p of f.doc?.problems ?? []) out.errors.push({ file: f.path, problem: p });
    }
    const seenInSource = new Set<string>();
    for (const doc of docs) {
      for (const ctx of doc.contexts) {
        if (src.hidden.includes(ctx.name)) continue;
        const own = !seenInSource.has(ctx.name);
        seenInSource.add(ctx.name);
        const entry = resolveEntry(src, doc, docs, ctx, own);
        if (reserved.has(ctx.name) && isLoopback(entry.cluster?.server)) {
          out.notes.push({ file: doc.file, context: ctx.name, problem: `shown as the local cluster's profile "${ctx.name}"` });
          continue;
        }
        if (taken.has(ctx.name)) {
          entry.duplicateOf = ctx.name;
          entry.name = unique(`${ctx.name}@${basename(doc.file)}`, taken);
        }
        taken.add(entry.name);
        entries.push(entry);
        out.profiles.push(entry.name);
        if (entry.error) out.errors.push({ file: doc.file, context: ctx.name, problem: entry.error });
      }
    }
  }
  return { entries, sources: outSources };
}

function resolveEntry(
  src: LoadedSource,
  doc: ParsedKubeconfig,
  docs: ParsedKubeconfig[],
  ctx: ParsedKubeconfig['contexts'][number],
  first: boolean,
): CatalogEntry {
  const entry: CatalogEntry = {
    name: ctx.name,
    sourceId: src.id,
    sourceKind: src.kind,
    ...(doc.baseDir ? { baseDir: doc.baseDir } : {}),
    file: doc.file,
    context: ctx.name,
    fingerprint: '',
  };
  // kubectl's merge (first file wins) for the contexts kubectl itself would use; a duplicate
  // context, which kubectl would drop, looks in its own file first.
  const order = src.merge ? (first ? docs : [doc, ...docs]) : [doc];
  const find = <E>(pick: (d: ParsedKubeconfig) => Map<string, E>, name: string) => {
    for (const d of order) {
      const e = pick(d).get(name);
      if (e) return e;
    }
    return undefined;
  };
  const where = src.merge && docs.length > 1 ? 'none of the KUBECONFIG files defines it' : `${doc.file} does not define it`;
  if (ctx.problem || !ctx.context) {
    entry.error = ctx.problem ?? `context "${ctx.name}" is invalid`;
  } else {
    const c = ctx.context;
    entry.namespace = c.namespace;
    const cluster = find((d) => d.clusters, c.cluster);
    const user = c.user ? find((d) => d.users, c.user) : undefined;
    entry.cluster = cluster?.value;
    entry.user = user?.value;
    if (user?.tokenFile) entry.tokenFile = user.tokenFile;
    if (!cluster) entry.error = `context "${ctx.name}" names cluster "${c.cluster}", but ${where}`;
    else if (cluster.problem) entry.error = cluster.problem;
    else if (c.user && !user) entry.error = `context "${ctx.name}" names user "${c.user}", but ${where}`;
    else if (user?.problem) entry.error = user.problem;
  }
  entry.fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        entry.file,
        entry.context,
        entry.cluster ?? null,
        entry.user ?? null,
        entry.tokenFile ?? null,
        entry.namespace ?? null,
        entry.error ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return entry;
}

function unique(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}-${i}`)) return `${name}-${i}`;
}

function isLoopback(server: string | undefined): boolean {
  if (!server) return false;
  try {
    const h = new URL(server).hostname.replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || /^127\./.test(h);
  } catch {
    return false;
  }
}
