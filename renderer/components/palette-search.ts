// The palette's search over tens of thousands of candidates (every row on screen, every
// object of every kind): each candidate's lowercased text is computed once (rows are replaced,
// never changed, so a row's text can be cached by the row), matches are kept only while among
// the best few, and only those few become palette items.
import { fuzzyScoreLower, topK } from '../k8s/fuzzy';

export interface PaletteItem {
  id: string;
  label: string;
  hint: string;
  /** Why it cannot be run (RBAC): shown, not run. */
  denied?: string;
  run(): void;
}

export interface SearchSource<S> {
  items: readonly S[];
  /** The candidate's search text, lowercased. */
  key(s: S): string;
  /** Candidates not to offer (e.g. a kind already listed from the rows on screen). */
  skip?(s: S): boolean;
  toItem(s: S): PaletteItem;
}

/** The text an item is searched by. */
export const itemText = (label: string, hint: string) => `${label} ${hint}`.toLowerCase();

/**
 * The `limit` best matches across the sources, as a stable sort of their concatenation by
 * score would give; with an empty query, the first `limit` candidates in order.
 */
export function searchSources(sources: SearchSource<unknown>[], query: string, limit: number): PaletteItem[] {
  const q = query.trim().toLowerCase();
  const best = topK<{ source: SearchSource<unknown>; s: unknown }>(limit);
  let taken = 0;
  for (const source of sources) {
    for (const s of source.items) {
      if (source.skip?.(s)) continue;
      if (!q) {
        if (taken++ >= limit) break;
        best.offer({ source, s }, 0);
      } else best.offer({ source, s }, fuzzyScoreLower(q, source.key(s)));
    }
  }
  return best.result().map(({ source, s }) => source.toItem(s));
}

/** A key function that computes each object's key once (objects must not change). */
export function cachedKey<S extends object>(make: (s: S) => string): (s: S) => string {
  const cache = new WeakMap<S, string>();
  return (s) => {
    let k = cache.get(s);
    if (k === undefined) cache.set(s, (k = make(s)));
    return k;
  };
}
