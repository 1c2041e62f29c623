// A tiny usage chart (no chart library: a path is all it takes): the line, a light area under
// it and the last value as text. The title makes it readable to screen readers and on hover.
import { sparklinePath } from './sparkline-path';

export interface SparklineProps {
  values: readonly number[];
  width?: number;
  height?: number;
  /** The last value, formatted ("12m", "48Mi"); shown beside the chart. */
  label?: string;
  /** What the chart shows, e.g. "CPU of web-1, last 30 samples". */
  title: string;
  zero?: boolean;
}

export function Sparkline({ values, width = 80, height = 18, label, title, zero }: SparklineProps) {
  const { line, area } = sparklinePath(values, width, height, { zero });
  const text = label ? `${title}: ${label}` : title;
  return (
    <span className="sparkline" data-testid="sparkline" title={text}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={text}>
        <title>{text}</title>
        {area && <path className="spark-area" d={area} />}
        {line && <path className="spark-line" d={line} />}
      </svg>
      {label !== undefined && <span className="spark-label">{label}</span>}
    </span>
  );
}
