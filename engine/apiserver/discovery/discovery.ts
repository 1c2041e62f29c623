// Legacy discovery documents (/api, /apis, /api/v1, /apis/<g>/<v>) built from the kind definitions.
import type { KindDef } from '../../kinds/types';

export interface DiscoveryKinds {
  all(): KindDef[];
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** Groups in a stable order, each with its versions (preferred = first listed: highest stable version). */
export function groupVersions(kinds: DiscoveryKinds): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const def of kinds.all()) {
    if (!def.group) continue;
    const versions = groups.get(def.group) ?? [];
    if (!versions.includes(def.version)) versions.push(def.version);
    groups.set(def.group, versions);
  }
  for (const versions of groups.values()) versions.sort(compareVersions);
  return groups;
}

export function apiGroupList(kinds: DiscoveryKinds) {
  const groups = [...groupVersions(kinds)].map(([name, versions]) => apiGroup(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(name: string, versions: string[]) {
  const gv = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: gv, preferredVersion: gv[0] };
}

export function apiResourceList(kinds: DiscoveryKinds, group: string, version: string) {
  const resources: object[] = [];
  for (const def of kinds.all()) {
    if (def.group !== group || def.version !== version) continue;
    resources.push({
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs ?? allVerbs,
      ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
      ...(def.categories.length ? { categories: def.categories } : {}),
    });
    for (const sub of subresourcesOf(def)) resources.push(sub);
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

function subresourcesOf(def: KindDef): object[] {
  const out: object[] = [];
  const sub = (name: string, kind: string, verbs: string[], extra: object = {}) =>
    out.push({ name: `${def.plural}/${name}`, singularName: '', namespaced: def.namespaced, kind, verbs, ...extra });
  if (def.subresources.status) sub('status', def.kind, ['get', 'patch', 'update']);
  if (def.subresources.scale) sub('scale', 'Scale', ['get', 'patch', 'update'], { group: 'autoscaling', version: 'v1' });
  if (def.kind === 'Pod' && !def.group) {
    sub('attach', 'PodAttachOptions', ['create', 'get']);
    sub('binding', 'Binding', ['create']);
    sub('ephemeralcontainers', 'Pod', ['get', 'patch', 'update']);
    sub('eviction', 'Eviction', ['create'], { group: 'policy', version: 'v1' });
    sub('exec', 'PodExecOptions', ['create', 'get']);
    sub('log', 'Pod', ['get']);
    sub('portforward', 'PodPortForwardOptions', ['create', 'get']);
    sub('proxy', 'PodProxyOptions', PROXY_VERBS);
  }
  if (def.kind === 'Service' && !def.group) sub('proxy', 'ServiceProxyOptions', PROXY_VERBS);
  if (def.kind === 'Node' && !def.group) sub('proxy', 'NodeProxyOptions', PROXY_VERBS);
  if (def.kind === 'Namespace' && !def.group) sub('finalize', 'Namespace', ['update']);
  if (def.kind === 'ServiceAccount' && !def.group)
    sub('token', 'TokenRequest', ['create'], { group: 'authentication.k8s.io', version: 'v1' });
  return out;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a.localeCompare(b);
}
