// Logging that something outside Skiff can trigger at will (a pod knocking on the agent's control
// port, a flood of refused reverse connections) must not grow skiff.log without bound: at most one
// line per key and interval, and the next line says how many were left out.
export type LimitedLog = (key: string, line: string) => void;

export function createLimitedLog(log: (line: string) => void, intervalMs = 60_000, now: () => number = Date.now): LimitedLog {
  const last = new Map<string, { at: number; dropped: number }>();
  return (key, line) => {
    const t = now();
    const s = last.get(key);
    if (s && t - s.at < intervalMs) {
      s.dropped++;
      return;
    }
    const dropped = s?.dropped ?? 0;
    last.set(key, { at: t, dropped: 0 });
    if (last.size > 1000) for (const [k, v] of last) if (t - v.at >= intervalMs) last.delete(k);
    log(dropped ? `${line} (${dropped} more like it in the last ${Math.round((t - s!.at) / 1000)} s not logged)` : line);
  };
}
