// The palette's search over tens of thousands of candidates (every row on screen, every
// object of every kind): each candidate's lowercased text is computed once (rows are replaced,
// never changed, so a row's text can be cached by the row), matches are kept only while among
// the best few, and only those few become palette items. A query that extends the previous one
// ("lo" after "l") can only match what the previous one matched, so only those are scored again.
// The scan is a tight loop over flat arrays: at 50,000 rows the generic per-candidate calls
// (key lookups, skip, growing result arrays) cost more than the matching itself.
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

export interface PaletteSearch {
  /**
   * The `limit` best matches across the sources, as a stable sort of their concatenation by
   * score would give; with an empty query, the first `limit` candidates in order.
   */
  search(sources: SearchSource<unknown>[], query: string, limit: number): PaletteItem[];
  /** How many candidates the last search scored (all of them, or only the previous matches). */
  scored(): number;
}

/** Every candidate of the sources (skipped ones left out) in order, with its key and source. */
interface Table {
  sources: SearchSource<unknown>[];
  from: number[];
  items: unknown[];
  keys: string[];
}

/**
 * A search that keeps each source's keys (sources are replaced, never changed) and its last
 * matches, to score only those when the next query extends the last one.
 */
export function createPaletteSearch(): PaletteSearch {
  const perSource = new WeakMap<SearchSource<unknown>, { items: unknown[]; keys: string[] }>();
  let table: Table | undefined;
  let last: { q: string; matched: Int32Array } | undefined;
  let scored = 0;

  const prepare = (sources: SearchSource<unknown>[]): Table => {
    if (table && sameSources(table.sources, sources)) return table;
    const t: Table = { sources, from: [], items: [], keys: [] };
    sources.forEach((source, from) => {
      let own = perSource.get(source);
      if (!own) {
        own = { items: [], keys: [] };
        for (const s of source.items)
          if (!source.skip?.(s)) {
            own.items.push(s);
            own.keys.push(source.key(s));
          }
        perSource.set(source, own);
      }
      for (let i = 0; i < own.items.length; i++) {
        t.from.push(from);
        t.items.push(own.items[i]);
        t.keys.push(own.keys[i]);
      }
    });
    last = undefined; // its matches index the old table
    return (table = t);
  };

  return {
    search(sources, query, limit) {
      const q = query.trim().toLowerCase();
      if (!q) {
        last = undefined;
        scored = 0;
        return firstCandidates(sources, limit);
      }
      const t = prepare(sources);
      const pool = last && q.startsWith(last.q) ? last.matched : undefined;
      const n = pool ? pool.length : t.keys.length;
      const matched = new Int32Array(n);
      const best = topK<number>(limit);
      const keys = t.keys;
      let m = 0;
      for (let k = 0; k < n; k++) {
        const i = pool ? pool[k] : k;
        const score = fuzzyScoreLower(q, keys[i]);
        if (score < 0) continue;
        matched[m++] = i;
        best.offer(i, score);
      }
      scored = n;
      last = { q, matched: matched.subarray(0, m) };
      return best.result().map((i) => t.sources[t.from[i]].toItem(t.items[i]));
    },
    scored: () => scored,
  };
}

function firstCandidates(sources: SearchSource<unknown>[], limit: number): PaletteItem[] {
  const out: PaletteItem[] = [];
  for (const source of sources)
    for (const s of source.items) {
      if (out.length >= limit) return out;
      if (!source.skip?.(s)) out.push(source.toItem(s));
    }
  return out;
}

const sameSources = (a: SearchSource<unknown>[], b: SearchSource<unknown>[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/** A key function that computes each object's key once (objects must not change). */
export function cachedKey<S extends object>(make: (s: S) => string): (s: S) => string {
  const cache = new WeakMap<S, string>();
  return (s) => {
    let k = cache.get(s);
    if (k === undefined) cache.set(s, (k = make(s)));
    return k;
  };
}

/** Whether two row lists hold the same objects by key in the same order (a status update changes neither). */
export function sameKeys(a: readonly { key: string }[], b: readonly { key: string }[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].key !== b[i].key) return false;
  return true;
}
