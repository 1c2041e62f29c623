// Helm 3 and 4 keep each release revision in a Secret named sh.helm.release.v1.<name>.v<rev>
// (type helm.sh/release.v1, labels owner=helm, name, status, version). Its data.release is
// base64 (the API's) of base64 (Helm's) of gzip of the release JSON. Reading them needs no
// helm binary, so the releases view works read-only on any cluster the user may list Secrets.
import type { KubeObject } from './types';

export const helmReleaseType = 'helm.sh/release.v1';
export const helmSelector = 'owner=helm';

export interface HelmRevision {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  /** The Secret holding it (uid + resourceVersion: decoded once per change). */
  secret: { name: string; uid: string; resourceVersion: string };
}

export interface HelmRelease extends HelmRevision {
  chart: string;
  chartVersion: string;
  appVersion: string;
  /** info.last_deployed (RFC 3339), or the Secret's creation time. */
  updated: string;
  description: string;
  notes: string;
  /** User-supplied values (config), the rendered manifest. */
  values: Record<string, unknown>;
  manifest: string;
}

/** The revision a Secret records, from its labels (no decoding); undefined for other Secrets. */
export function revisionOf(s: KubeObject): HelmRevision | undefined {
  const labels = s.metadata.labels ?? {};
  if (s.type !== helmReleaseType || labels.owner !== 'helm' || !labels.name) return undefined;
  const revision = Number(labels.version);
  if (!Number.isInteger(revision)) return undefined;
  return {
    name: labels.name,
    namespace: s.metadata.namespace ?? '',
    revision,
    status: labels.status ?? 'unknown',
    secret: { name: s.metadata.name ?? '', uid: s.metadata.uid ?? '', resourceVersion: s.metadata.resourceVersion ?? '' },
  };
}

/** Every revision of every release, grouped by namespace/name, newest revision first. */
export function groupRevisions(secrets: KubeObject[]): Map<string, HelmRevision[]> {
  const out = new Map<string, HelmRevision[]>();
  for (const s of secrets) {
    const r = revisionOf(s);
    if (!r) continue;
    const key = `${r.namespace}/${r.name}`;
    const list = out.get(key);
    if (list) list.push(r);
    else out.set(key, [r]);
  }
  for (const list of out.values()) list.sort((a, b) => b.revision - a.revision);
  return out;
}

/** The CSS class a release status reads in (deployed green, failed red, pending amber). */
export function helmStatusClass(status: string): string | undefined {
  if (status === 'deployed') return 'tone-ok';
  if (status === 'failed') return 'tone-bad';
  if (status === 'uninstalling' || status.startsWith('pending')) return 'tone-warn';
  return status === 'superseded' ? 'muted' : undefined;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

interface ReleaseJson {
  name?: string;
  namespace?: string;
  version?: number;
  info?: { status?: string; last_deployed?: string; description?: string; notes?: string };
  chart?: { metadata?: { name?: string; version?: string; appVersion?: string } };
  config?: Record<string, unknown>;
  manifest?: string;
}

/** The release a Helm Secret holds; throws with a plain message when it cannot be read. */
export async function decodeRelease(s: KubeObject): Promise<HelmRelease> {
  const rev = revisionOf(s);
  if (!rev) throw new Error(`Secret ${s.metadata.name} is not a Helm release record`);
  const data = (s.data ?? {}) as Record<string, string>;
  if (!data.release) throw new Error(`Helm release record ${s.metadata.name} has no data.release`);
  let json: ReleaseJson;
  try {
    // The API's base64 gives Helm's text: base64 again, of gzip (Helm writes gzip; older tools may not).
    const bytes = base64Bytes(new TextDecoder().decode(base64Bytes(data.release)));
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzip(bytes) : new TextDecoder().decode(bytes);
    json = JSON.parse(text) as ReleaseJson;
  } catch (e) {
    throw new Error(`Helm release record ${s.metadata.name} could not be decoded: ${(e as Error).message}`);
  }
  const meta = json.chart?.metadata ?? {};
  return {
    ...rev,
    status: json.info?.status ?? rev.status,
    chart: meta.name ?? '',
    chartVersion: meta.version ?? '',
    appVersion: meta.appVersion ?? '',
    updated: json.info?.last_deployed ?? s.metadata.creationTimestamp ?? '',
    description: json.info?.description ?? '',
    notes: json.info?.notes ?? '',
    values: json.config ?? {},
    manifest: json.manifest ?? '',
  };
}
