// The geometry of a sparkline, apart from React so it can be tested: evenly spaced points
// scaled into a width × height box (SVG y grows downwards), a line and the area under it.

export interface SparklinePaths {
  line: string;
  area: string;
}

export interface SparklineScale {
  /** Start the scale at 0 (CPU: a busy line should look busy); otherwise at the lowest value. */
  zero?: boolean;
  /** Room kept at the edges so a 1.5 px stroke is not clipped. */
  pad?: number;
}

const r = (n: number) => Math.round(n * 100) / 100;

export function sparklinePath(values: readonly number[], width: number, height: number, scale: SparklineScale = {}): SparklinePaths {
  const vs = values.filter((v) => Number.isFinite(v));
  if (!vs.length || width <= 0 || height <= 0) return { line: '', area: '' };
  const pad = scale.pad ?? 1;
  const lo = scale.zero ? Math.min(0, ...vs) : Math.min(...vs);
  const hi = Math.max(...vs);
  const span = hi - lo;
  const top = pad;
  const bottom = height - pad;
  // A flat series sits in the middle (or on the floor when it is all zeros with a zero scale).
  const y = (v: number) => (span > 0 ? bottom - ((v - lo) / span) * (bottom - top) : hi === 0 && scale.zero ? bottom : height / 2);
  // One sample still draws: a level line across the box.
  const points =
    vs.length === 1
      ? [
          [pad, y(vs[0])],
          [width - pad, y(vs[0])],
        ]
      : vs.map((v, i) => [pad + (i / (vs.length - 1)) * (width - 2 * pad), y(v)]);
  const line = points.map(([px, py], i) => `${i ? 'L' : 'M'}${r(px)} ${r(py)}`).join(' ');
  const first = points[0][0];
  const last = points[points.length - 1][0];
  const area = `${line} L${r(last)} ${r(height)} L${r(first)} ${r(height)} Z`;
  return { line, area };
}
