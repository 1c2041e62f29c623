// Fuzzy matching for the command palette: the query's characters in order; contiguous runs
// and word starts score higher.

export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  if (!q) return 1;
  const direct = t.indexOf(q);
  if (direct >= 0) return 1000 - direct * 2 - (t.length - q.length) * 0.1 + (direct === 0 ? 500 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    const found = t.indexOf(ch, ti);
    if (found < 0) return -1;
    run = found === ti ? run + 1 : 0;
    const wordStart = found === 0 || /[-_./\s]/.test(t[found - 1]);
    score += 1 + run * 3 + (wordStart ? 5 : 0) - Math.min(found - ti, 10) * 0.2;
    ti = found + 1;
  }
  return score;
}

export function fuzzyFilter<T>(items: T[], query: string, text: (item: T) => string, limit = 50): T[] {
  if (!query.trim()) return items.slice(0, limit);
  const scored: Array<{ item: T; s: number }> = [];
  for (const item of items) {
    const s = fuzzyScore(query.trim(), text(item));
    if (s >= 0) scored.push({ item, s });
  }
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, limit).map((x) => x.item);
}
