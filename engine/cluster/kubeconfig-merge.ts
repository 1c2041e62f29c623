// Edits a user's kubeconfig in place: only our named cluster/user/context entries (and,
// when asked, current-context) change. yaml's Document API keeps comments, key order and
// scalar styles of everything else. A backup of the old bytes is written first, and nothing
// is written at all when the result would mean the same as the file already does.
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { writePrivateFile } from '../pki/private-file';
import { SkiffError } from './errors';
import type { KubeconfigEntries, KubeconfigNames } from './kubeconfig';

export interface KubeconfigWriteResult {
  /** The file actually written (symlinks resolved); undefined when nothing changed. */
  written?: string;
  backup?: string;
}

const SECTIONS = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

export function mergeIntoUserKubeconfig(
  path: string,
  entries: KubeconfigEntries,
  opts: { switchContext: boolean; now?: Date },
): KubeconfigWriteResult {
  const file = resolveTarget(path);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const doc = load(file, text);
  const before = doc.toJS();
  for (const [section, kind] of SECTIONS) {
    const seq = ensureSeq(doc, section);
    const entry = entries[kind];
    const i = seq.items.findIndex((it) => isMap(it) && it.get('name') === entry.name);
    const existing = i >= 0 ? (seq.items[i] as { toJSON(): unknown }).toJSON() : undefined;
    if (i < 0) seq.items.push(doc.createNode(entry));
    else if (!isDeepStrictEqual(existing, entry)) seq.items[i] = doc.createNode(entry);
  }
  if (opts.switchContext) doc.set('current-context', entries.context.name);
  return save(file, text, doc, before, opts.now);
}

/** Removes our entries; unsets current-context when it pointed at our context. */
export function removeFromUserKubeconfig(path: string, names: KubeconfigNames, opts: { now?: Date } = {}): KubeconfigWriteResult {
  const file = resolveTarget(path);
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  const doc = load(file, text);
  const before = doc.toJS();
  for (const [section, kind] of SECTIONS) {
    const seq = doc.get(section, true);
    if (!isSeq(seq)) continue;
    seq.items = seq.items.filter((it) => !(isMap(it) && it.get('name') === names[kind]));
  }
  if (doc.get('current-context') === names.context) doc.set('current-context', '');
  return save(file, text, doc, before, opts.now);
}

function resolveTarget(path: string): string {
  // Write through a symlinked kubeconfig rather than replacing the link with a file.
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function load(file: string, text: string | undefined): Document {
  if (text === undefined || text.trim() === '') {
    return new Document({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [],
      users: [],
      contexts: [],
      'current-context': '',
      preferences: {},
    });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SkiffError(
      `cannot parse kubeconfig ${file} (${doc.errors[0].message.split('\n')[0]})`,
      'fix the file, or pass --kubeconfig FILE to write elsewhere',
    );
  }
  if (doc.contents === null) {
    // Only comments: Document.set creates the top-level map.
    doc.set('apiVersion', 'v1');
    doc.set('kind', 'Config');
  }
  if (!isMap(doc.contents)) {
    throw new SkiffError(`kubeconfig ${file} is not a YAML mapping`, 'fix the file, or pass --kubeconfig FILE to write elsewhere');
  }
  return doc;
}

function ensureSeq(doc: Document, key: string): YAMLSeq {
  const node = doc.get(key, true);
  if (isSeq(node)) return node;
  // Absent or `clusters: null` (kubectl writes that for empty lists).
  const seq = doc.createNode([]) as YAMLSeq;
  doc.set(key, seq);
  return seq;
}

function save(file: string, text: string | undefined, doc: Document, before: unknown, now = new Date()): KubeconfigWriteResult {
  if (text !== undefined && isDeepStrictEqual(doc.toJS(), before)) return {};
  // kubectl writes block sequences flush with their key; keep whichever style the file uses.
  const indentSeq = text !== undefined && /^[A-Za-z-]+:[ \t]*\r?\n[ \t]+- /m.test(text);
  const out = doc.toString({ lineWidth: 0, indentSeq, flowCollectionPadding: false });
  let backup: string | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (text !== undefined) {
      backup = `${file}.skiff-backup-${now.toISOString().replace(/[-:.]/g, '')}`;
      writePrivateFile(backup, text);
    }
    writePrivateFile(file, out);
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    throw new SkiffError(`cannot write kubeconfig ${file} (${code})`, 'fix its permissions, or pass --kubeconfig FILE to write elsewhere');
  }
  return { written: file, backup };
}
