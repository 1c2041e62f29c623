// The chart a Helm release record holds, as files helm can upgrade from: Helm keeps the chart's
// metadata, default values, schema, templates and other files in each release Secret
// (sh.helm.release.v1.<name>.v<rev>: base64 of base64 of gzip of the release JSON), so an
// upgrade with edited values needs neither the chart's source nor a repository. Subcharts are
// not kept there (Go's chart.Chart does not serialise its dependencies): such releases are
// refused with the reason. Every file name comes from the cluster, so each is checked to stay
// inside the chart directory.
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';

export interface ChartFile {
  path: string;
  data: Buffer;
}

interface ReleaseChart {
  metadata?: Record<string, unknown> & { dependencies?: unknown[] };
  values?: Record<string, unknown> | null;
  schema?: string | null;
  templates?: Array<{ name?: string; data?: string }> | null;
  files?: Array<{ name?: string; data?: string }> | null;
}

export interface ReleaseRecord {
  name?: string;
  version?: number;
  chart?: ReleaseChart;
}

interface SecretLike {
  metadata?: { name?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

/** The newest release record among a release's Secrets (labels owner=helm, name, version). */
export function newestRecord(secrets: SecretLike[]): SecretLike | undefined {
  let best: SecretLike | undefined;
  for (const s of secrets) {
    const v = Number(s.metadata?.labels?.version);
    if (Number.isInteger(v) && (!best || v > Number(best.metadata?.labels?.version))) best = s;
  }
  return best;
}

export function decodeRecord(s: SecretLike): ReleaseRecord {
  const data = s.data?.release;
  if (!data) throw new Error(`Secret ${s.metadata?.name} has no data.release`);
  const bytes = Buffer.from(Buffer.from(data, 'base64').toString('latin1'), 'base64');
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return JSON.parse(text) as ReleaseRecord;
}

/** A relative path without '.', '..' or empty segments (and no backslashes), or an error. */
export function safeChartPath(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0'))
    throw new Error(`the chart names a file ${JSON.stringify(name)} outside its directory`);
  const parts = name.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new Error(`the chart names a file ${JSON.stringify(name)} outside its directory`);
  return name;
}

export function chartFiles(rec: ReleaseRecord): ChartFile[] {
  const chart = rec.chart;
  const name = chart?.metadata?.name;
  if (!chart?.metadata || typeof name !== 'string' || !name) throw new Error('the release record holds no chart');
  if (chart.metadata.dependencies?.length)
    throw new Error(
      `chart ${name} has subcharts, which Helm does not keep in its release records: upgrade it with helm and the chart's source`,
    );
  const out: ChartFile[] = [
    { path: 'Chart.yaml', data: Buffer.from(stringify(chart.metadata)) },
    { path: 'values.yaml', data: Buffer.from(stringify(chart.values ?? {})) },
  ];
  if (chart.schema) out.push({ path: 'values.schema.json', data: Buffer.from(chart.schema, 'base64') });
  for (const f of [...(chart.templates ?? []), ...(chart.files ?? [])]) {
    const path = safeChartPath(f.name);
    if (out.some((o) => o.path === path)) continue; // Chart.yaml and values.yaml come from the fields above
    out.push({ path, data: Buffer.from(f.data ?? '', 'base64') });
  }
  return out;
}
