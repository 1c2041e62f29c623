// Fuzzy matching for the command palette: the query's characters in order; contiguous runs
// and word starts score higher. Callers with many candidates keep each one's lowercased text
// (fuzzyScoreLower) and keep only the best few (topK) instead of sorting every match.

function wordBreak(code: number): boolean {
  // - _ . / (compared directly: this runs for every character matched, 50,000 candidates a keystroke)
  if (code === 45 || code === 95 || code === 46 || code === 47) return true;
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code > 127 && /\s/.test(String.fromCharCode(code));
}

/** fuzzyScore for a query and a text both already lowercased; -1 when they do not match. */
export function fuzzyScoreLower(q: string, t: string): number {
  if (!q) return 1;
  const direct = t.indexOf(q);
  if (direct >= 0) return 1000 - direct * 2 - (t.length - q.length) * 0.1 + (direct === 0 ? 500 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (let i = 0; i < q.length; i++) {
    const found = t.indexOf(q[i], ti);
    if (found < 0) return -1;
    run = found === ti ? run + 1 : 0;
    const wordStart = found === 0 || wordBreak(t.charCodeAt(found - 1));
    score += 1 + run * 3 + (wordStart ? 5 : 0) - Math.min(found - ti, 10) * 0.2;
    ti = found + 1;
  }
  return score;
}

export function fuzzyScore(query: string, text: string): number {
  return fuzzyScoreLower(query.toLowerCase(), text.toLowerCase());
}

export interface TopK<T> {
  /** Offers an item with its score (negative: no match). */
  offer(item: T, score: number): void;
  /** The kept items, best first; equal scores in the order they were offered. */
  result(): T[];
}

/** Keeps the `limit` best-scored items: as a stable sort of every match would, at O(n) for n offers. */
export function topK<T>(limit: number): TopK<T> {
  const items: T[] = [];
  const scores: number[] = [];
  return {
    offer(item, score) {
      if (score < 0 || limit <= 0) return;
      if (items.length >= limit && score <= scores[items.length - 1]) return;
      // After every kept item scoring at least as much (so ties keep their offer order).
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (scores[mid] >= score) lo = mid + 1;
        else hi = mid;
      }
      items.splice(lo, 0, item);
      scores.splice(lo, 0, score);
      if (items.length > limit) {
        items.pop();
        scores.pop();
      }
    },
    result: () => items.slice(),
  };
}

export function fuzzyFilter<T>(items: T[], query: string, text: (item: T) => string, limit = 50): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return items.slice(0, limit);
  const best = topK<T>(limit);
  for (const item of items) best.offer(item, fuzzyScoreLower(q, text(item).toLowerCase()));
  return best.result();
}
