// Log lines kept for a tab: at most `max` (oldest dropped), each split into timestamp and text.

export interface LogLine {
  id: number;
  /** RFC 3339 timestamp from the API (timestamps=true), if any. */
  ts?: string;
  text: string;
  /** Pod name, for merged logs of a workload. */
  pod?: string;
  /** A line the app wrote (reconnects, errors), not the container. */
  sys?: boolean;
}

export const maxLines = 50_000;

let nextId = 1;

/** "2024-05-01T10:00:00.123456789Z hello" -> ts + text. */
export function splitTimestamp(raw: string): { ts?: string; text: string } {
  const sp = raw.indexOf(' ');
  if (sp > 19 && sp < 40 && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(raw)) return { ts: raw.slice(0, sp), text: raw.slice(sp + 1) };
  return { text: raw };
}

export function makeLine(raw: string, pod?: string): LogLine {
  return { id: nextId++, ...splitTimestamp(raw), pod };
}

export function sysLine(text: string, pod?: string): LogLine {
  return { id: nextId++, text, pod, sys: true };
}

export function appendLines(buffer: LogLine[], lines: LogLine[], max = maxLines): LogLine[] {
  if (!lines.length) return buffer;
  const total = buffer.length + lines.length;
  if (total <= max) return buffer.concat(lines);
  if (lines.length >= max) return lines.slice(lines.length - max);
  return buffer.slice(total - max).concat(lines);
}

/** Lines as plain text, for download. */
export function linesText(lines: LogLine[], withTimestamps: boolean): string {
  return lines.map((l) => `${withTimestamps && l.ts ? l.ts + ' ' : ''}${l.pod ? `[${l.pod}] ` : ''}${l.text}`).join('\n') + '\n';
}

/** Indices of lines containing the search text (case-insensitive). */
export function searchLines(lines: LogLine[], query: string): number[] {
  const q = query.toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].text.toLowerCase().includes(q)) out.push(i);
  return out;
}
