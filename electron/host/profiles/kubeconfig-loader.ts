// Reads every source of sources.json (plus the user's default kubeconfig) into LoadedSources:
// files by reference, folders (each kubeconfig file in them), and Skiff's own sealed copies.
// Also says which paths to watch so changes show up live.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, extname, join } from 'node:path';
import { homedir } from 'node:os';
import type { LoadedFile, LoadedSource } from './kubeconfig-catalog';
import { fsProblem, KubeconfigFileError, parseKubeconfig, readKubeconfigFile } from './kubeconfig-parse';
import type { SecretBox } from './secret-box';
import { DEFAULT_SOURCE_ID, type SourceStore, type StoredSource } from './profile-sources-store';

type Env = Record<string, string | undefined>;

/** $KUBECONFIG's paths (empty entries dropped, duplicates once), else ~/.kube/config. */
export function defaultKubeconfigPaths(env: Env): string[] {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  if (list.length) return [...new Set(list)];
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

export interface LoadResult {
  sources: LoadedSource[];
  /** Files and folders whose changes matter. */
  watch: string[];
}

// Files in a watched folder that may be kubeconfigs; others (README.md, scripts) are skipped.
const KUBECONFIG_EXT = new Set(['', '.yaml', '.yml', '.json', '.conf', '.config', '.kubeconfig', '.kcfg']);
const MAX_FILE = 4 << 20;

export function loadSources(store: SourceStore, box: SecretBox, env: Env): LoadResult {
  const watch = new Set<string>([store.paths.sources, store.paths.consent, store.paths.settings]);
  const sources: LoadedSource[] = [];
  let file;
  try {
    file = store.read();
  } catch (err) {
    const problem = (err as Error).message;
    sources.push({
      id: 'sources',
      kind: 'file',
      label: store.paths.sources,
      files: [],
      hidden: [],
      merge: false,
      watched: true,
      encrypted: false,
      problems: [{ file: store.paths.sources, problem }],
    });
    return { sources, watch: [...watch] };
  }
  if (!file.default?.removed) {
    const paths = defaultKubeconfigPaths(env);
    const files = paths.map((p) => loadFile(p, true));
    const label = env.KUBECONFIG?.trim() ? `$KUBECONFIG (${paths.join(delimiter)})` : paths[0];
    sources.push({
      id: DEFAULT_SOURCE_ID,
      kind: 'default',
      label,
      files,
      hidden: file.default?.hidden ?? [],
      merge: true,
      watched: true,
      encrypted: false,
      problems: [],
    });
    paths.forEach((p) => watch.add(p));
  }
  for (const s of file.sources) sources.push(loadStored(s, store, box, watch));
  for (const src of sources) for (const f of src.files) f.doc?.references.forEach((r) => watch.add(r));
  return { sources, watch: [...watch] };
}

function loadStored(s: StoredSource, store: SourceStore, box: SecretBox, watch: Set<string>): LoadedSource {
  const base = {
    id: s.id,
    kind: s.kind,
    hidden: s.hidden ?? [],
    merge: false,
    addedAt: s.addedAt,
    problems: [] as LoadedSource['problems'],
  };
  if (s.kind === 'file') {
    watch.add(s.path!);
    return { ...base, label: s.path!, files: [loadFile(s.path!, false)], watched: true, encrypted: false };
  }
  if (s.kind === 'dir') {
    watch.add(s.path!);
    const files: LoadedFile[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(s.path!).sort();
    } catch (err) {
      base.problems.push({ file: s.path!, problem: fsProblem('cannot list the folder', err) + '; import it again or remove this source' });
    }
    for (const name of names) {
      if (name.startsWith('.') || !KUBECONFIG_EXT.has(extname(name).toLowerCase())) continue;
      const p = join(s.path!, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // gone between listing and looking
      }
      if (!st.isFile()) continue;
      watch.add(p);
      if (st.size > MAX_FILE) {
        files.push({ path: p, error: `larger than ${MAX_FILE >> 20} MiB; not a kubeconfig?` });
        continue;
      }
      const f = loadFile(p, false);
      // A YAML file that is not a kubeconfig at all (no clusters, users or contexts) is not ours.
      if (f.doc && !f.doc.contexts.length && !f.doc.clusters.size && !f.doc.users.size && !f.doc.problems.length) continue;
      files.push(f);
    }
    return { ...base, label: s.path!, files, watched: true, encrypted: false };
  }
  // copy | paste: sealed in copies/.
  const sealed = join(store.paths.copies, s.copy ?? '');
  watch.add(sealed);
  const label = s.kind === 'copy' ? (s.path ?? s.copy ?? s.id) : `pasted: ${s.label ?? s.id}`;
  const shown = s.kind === 'copy' ? `${s.path ?? s.id} (copy)` : label;
  try {
    const text = box.open(readFileSync(sealed)).toString('utf8');
    // A copy's own folder is its original's (its paths were made absolute when copied).
    const doc = parseKubeconfig(text, { file: shown, ...(s.kind === 'copy' && s.path ? { baseDir: dirname(s.path) } : {}) });
    return { ...base, label, files: [{ path: shown, doc }], watched: false, encrypted: true };
  } catch (err) {
    const problem = err instanceof KubeconfigFileError ? err.problem : fsProblem(`cannot open Skiff's stored copy ${sealed}`, err);
    return { ...base, label, files: [{ path: shown, error: problem }], watched: false, encrypted: true };
  }
}

function loadFile(path: string, absentOk: boolean): LoadedFile {
  try {
    return { path, doc: readKubeconfigFile(path) };
  } catch (err) {
    const e = err as KubeconfigFileError;
    if (absentOk && /no such file/.test(e.problem ?? '')) return { path, absent: true };
    if (/no such file/.test(e.problem ?? ''))
      return { path, error: `${e.problem} (moved or deleted?); import it again or remove this source` };
    return { path, error: e.problem ?? String((err as Error).message) };
  }
}
