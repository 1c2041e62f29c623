// Tells when any of a set of files or folders changes: fs.watch on their folders (editors
// replace files by rename, which a watch on the file itself misses) with a debounce, plus a
// periodic re-stat for file systems where fs.watch says nothing (network mounts, some VMs).
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface PathWatcher {
  /** Watch these paths from now on (the baseline is their state now). */
  setPaths(paths: string[]): void;
  close(): void;
}

export function createPathWatcher(opts: { onChange: () => void; debounceMs?: number; pollMs?: number }): PathWatcher {
  const debounceMs = opts.debounceMs ?? 200;
  const pollMs = opts.pollMs ?? 1000;
  let paths: string[] = [];
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // folder -> the names in it we care about ('*': all, for a watched folder itself)
  const watchers = new Map<string, { w: FSWatcher; names: Set<string> | '*' }>();

  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (closed) return;
      last = signature(paths);
      opts.onChange();
    }, debounceMs);
  };

  const poll =
    pollMs > 0
      ? setInterval(() => {
          if (signature(paths) !== last) fire();
        }, pollMs)
      : undefined;
  poll?.unref();

  function arm(dir: string, names: Set<string> | '*') {
    const have = watchers.get(dir);
    if (have) {
      if (names === '*' || have.names === '*') have.names = '*';
      else for (const n of names) have.names.add(n);
      return;
    }
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        const entry = watchers.get(dir);
        if (!entry) return;
        if (entry.names === '*' || !name || entry.names.has(String(name))) fire();
      });
      w.on('error', () => {
        w.close();
        watchers.delete(dir); // the folder went away; the poll notices and the next setPaths re-arms
      });
      watchers.set(dir, { w, names });
    } catch {
      // missing or unwatchable folder: the poll covers it
    }
  }

  return {
    setPaths(next) {
      paths = [...new Set(next)].sort();
      last = signature(paths);
      for (const { w } of watchers.values()) w.close();
      watchers.clear();
      for (const p of paths) {
        arm(dirname(p), new Set([basename(p)]));
        if (isDir(p)) arm(p, '*');
      }
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const { w } of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** What changes when a file or folder changes: identity, size, mtime; a folder's names. */
export function signature(paths: string[]): string {
  return paths
    .map((p) => {
      try {
        const st = statSync(p);
        const names = st.isDirectory() ? readdirSync(p).sort().join('/') : '';
        return `${p}\0${st.ino}\0${st.size}\0${st.mtimeMs}\0${st.mode}\0${names}`;
      } catch (err) {
        return `${p}\0${(err as NodeJS.ErrnoException).code ?? 'error'}`;
      }
    })
    .join('\n');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
