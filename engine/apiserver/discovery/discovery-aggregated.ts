// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): every group, version and resource in
// one document on /api and /apis, for clients that ask for it in Accept (kubectl 1.26+). Built by
// regrouping the legacy APIResourceLists (discovery.ts), so both always describe the same kinds.
import { createHash } from 'node:crypto';
import { apiResourceList, groupVersions, type DiscoveryKinds } from './discovery';

export type AggregatedVersion = 'v2' | 'v2beta1';

/** A legacy resource entry, as apiResourceList and the metrics API write them. */
interface LegacyResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

/** A group served beside the kinds (metrics.k8s.io), as legacy resource lists per version. */
export interface ExtraGroup {
  name: string;
  versions: { version: string; resources: LegacyResource[] }[];
}

/**
 * The aggregated version Accept asks for, or undefined for legacy discovery. Media ranges are
 * taken by q (then order); only JSON is offered, so a protobuf range is passed over.
 */
export function negotiateAggregated(accept: string | undefined): AggregatedVersion | undefined {
  if (!accept) return undefined;
  const ranges = accept.split(',').map((part, i) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string | undefined> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), p, q: p.q === undefined ? 1 : Number(p.q), i };
  });
  ranges.sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (r.q <= 0) continue;
    const aggregated = r.p.g === 'apidiscovery.k8s.io' && r.p.as === 'APIGroupDiscoveryList';
    const v = r.p.v;
    if (aggregated && r.type === 'application/json' && (v === 'v2' || v === 'v2beta1')) return v;
    if (!aggregated && (r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*')) return undefined;
  }
  return undefined;
}

export function aggregatedContentType(v: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

function responseKind(e: LegacyResource) {
  return { group: e.group ?? '', version: e.version ?? '', kind: e.kind };
}

interface AggregatedResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string; responseKind: AggregatedResource['responseKind']; verbs: string[] }[];
}

/** Legacy entries (subresources as "pods/log") → aggregated resources with nested subresources. */
export function aggregatedResources(entries: LegacyResource[]): AggregatedResource[] {
  const byName = new Map<string, AggregatedResource>();
  for (const e of entries) {
    if (e.name.includes('/')) continue;
    byName.set(e.name, {
      resource: e.name,
      responseKind: responseKind(e),
      scope: e.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: e.singularName,
      verbs: e.verbs,
      ...(e.shortNames?.length ? { shortNames: e.shortNames } : {}),
      ...(e.categories?.length ? { categories: e.categories } : {}),
    });
  }
  for (const e of entries) {
    const slash = e.name.indexOf('/');
    if (slash < 0) continue;
    const parent = byName.get(e.name.slice(0, slash));
    if (!parent) continue;
    (parent.subresources ??= []).push({ subresource: e.name.slice(slash + 1), responseKind: responseKind(e), verbs: e.verbs });
  }
  return [...byName.values()];
}

const versionEntry = (version: string, resources: LegacyResource[]) => ({
  version,
  resources: aggregatedResources(resources),
  freshness: 'Current',
});

/** The document for /api (core group only) or /apis (every named group). */
export function aggregatedDiscovery(kinds: DiscoveryKinds, path: 'api' | 'apis', v: AggregatedVersion, extras: ExtraGroup[] = []) {
  const items: object[] = [];
  if (path === 'api') {
    const list = apiResourceList(kinds, '', 'v1');
    items.push({ metadata: { creationTimestamp: null }, versions: [versionEntry('v1', list.resources as LegacyResource[])] });
  } else {
    for (const [name, versions] of groupVersions(kinds)) {
      const entries = versions.map((version) => versionEntry(version, apiResourceList(kinds, name, version).resources as LegacyResource[]));
      items.push({ metadata: { name, creationTimestamp: null }, versions: entries });
    }
    for (const g of extras) {
      items.push({
        metadata: { name: g.name, creationTimestamp: null },
        versions: g.versions.map((x) => versionEntry(x.version, x.resources)),
      });
    }
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}

/** A strong ETag over the document text (clients revalidate with If-None-Match). */
export function discoveryEtag(text: string): string {
  return `"${createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase()}"`;
}
