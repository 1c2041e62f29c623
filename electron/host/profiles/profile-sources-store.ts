// sources.json: which kubeconfig files, folders, copies and pasted texts Skiff reads, shared by
// the app and `skiff profiles`. The user's default kubeconfig is a source unless removed.
import { readJsonFile, writeJsonFile } from './json-file';
import { profilePaths, type ProfilePaths } from './profile-paths';

export interface StoredSource {
  id: string;
  kind: 'file' | 'dir' | 'copy' | 'paste';
  /** file/dir: the absolute path read; copy: the original's path (for the label). */
  path?: string;
  /** paste: what the user called it. */
  label?: string;
  /** copy/paste: the sealed file's name under copies/. */
  copy?: string;
  addedAt: string;
  /** Context names not to list. */
  hidden?: string[];
}

export interface SourcesFile {
  version: 1;
  sources: StoredSource[];
  default?: { removed?: boolean; hidden?: string[] };
}

export const DEFAULT_SOURCE_ID = 'default';

export interface SourceStore {
  paths: ProfilePaths;
  read(): SourcesFile;
  /** Read, change, write back (atomically); returns what was written. */
  update(change: (f: SourcesFile) => void): SourcesFile;
}

export function createSourceStore(dataDir: string): SourceStore {
  const paths = profilePaths(dataDir);
  const read = (): SourcesFile => {
    const f = readJsonFile<Partial<SourcesFile>>(paths.sources, {});
    if (!Array.isArray(f.sources ?? [])) throw new Error(`${paths.sources} is damaged ("sources" is not a list); fix it or move it away`);
    return { version: 1, sources: f.sources ?? [], ...(f.default ? { default: f.default } : {}) };
  };
  return {
    paths,
    read,
    update(change) {
      const f = read();
      change(f);
      writeJsonFile(paths.sources, f);
      return f;
    },
  };
}
