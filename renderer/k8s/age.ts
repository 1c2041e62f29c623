// Ages the way kubectl prints them (5s, 3m, 2m30s, 4h, 3d, 2y).

export function formatAge(fromIso: string | undefined, now: number): string {
  if (!fromIso) return '';
  const t = Date.parse(fromIso);
  if (Number.isNaN(t)) return '';
  return formatDuration(Math.max(0, now - t));
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** "4m2s" -> 242000 (what formatDuration prints, read back); NaN when it is not a duration. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m || !text.trim()) return NaN;
  const [y, d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return ((((y * 365 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}

/** A server-computed "(4m2s ago)" inside a cell, advanced by the time since the cell arrived. */
export function tickAgo(cell: string, elapsedMs: number): string {
  if (elapsedMs < 1000 || !cell.includes(' ago')) return cell;
  return cell.replace(/\b((?:\d+[ydhms])+) ago\b/g, (all, d: string) => {
    const ms = parseDuration(d);
    return Number.isNaN(ms) ? all : `${formatDuration(ms + elapsedMs)} ago`;
  });
}
