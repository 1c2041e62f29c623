// How far back a logs tab starts, as Lens and k9s offer it: the last N lines, the last few
// minutes or hours, or everything the node kept. Resumes after a drop ignore this (they read
// from the last line received).

export interface LogSinceChoice {
  id: string;
  label: string;
  /** null: no tail limit. */
  tailLines?: number | null;
  sinceSeconds?: number;
}

export const logSinceChoices: LogSinceChoice[] = [
  { id: 'tail-100', label: 'Last 100 lines', tailLines: 100 },
  { id: 'tail-500', label: 'Last 500 lines', tailLines: 500 },
  { id: 'tail-5000', label: 'Last 5,000 lines', tailLines: 5000 },
  { id: '5m', label: 'Last 5 minutes', sinceSeconds: 300 },
  { id: '15m', label: 'Last 15 minutes', sinceSeconds: 900 },
  { id: '1h', label: 'Last hour', sinceSeconds: 3600 },
  { id: '24h', label: 'Last 24 hours', sinceSeconds: 86_400 },
  { id: 'all', label: 'Everything', tailLines: null },
];

/** The choice by id; an unknown id (an older saved tab) falls back to `fallback`. */
export function logSince(id: string | undefined, fallback = 'tail-500'): LogSinceChoice {
  return logSinceChoices.find((c) => c.id === id) ?? logSinceChoices.find((c) => c.id === fallback)!;
}
