// Addresses of resources: which URL lists, gets or watches a kind, and the kinds the
// sidebar names (found in discovery; the fallbacks below are used until it answers).
import type { ApiResource, OwnerReference } from './types';

export function groupVersion(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function apiPrefix(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
}

/** Path (below the profile's /k8s/<p> prefix) of a collection or one object. */
export function resourcePath(
  r: Pick<ApiResource, 'group' | 'version' | 'name' | 'namespaced'>,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  let p = apiPrefix(r);
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.name}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (name && subresource) p += `/${subresource}`;
  return p;
}

export function resourceId(r: Pick<ApiResource, 'group' | 'name'>): string {
  return r.group ? `${r.name}.${r.group}` : r.name;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Finds the discovered resource for an apiVersion + kind (owner references, YAML apply). */
export function findByKind(resources: ApiResource[], apiVersion: string, kind: string): ApiResource | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return (
    resources.find((r) => r.kind === kind && r.group === group && r.version === version) ??
    resources.find((r) => r.kind === kind && r.group === group)
  );
}

export function ownerResource(resources: ApiResource[], ref: OwnerReference): ApiResource | undefined {
  return findByKind(resources, ref.apiVersion, ref.kind);
}

function known(group: string, version: string, name: string, kind: string, namespaced = true): ApiResource {
  return { group, version, name, kind, namespaced, verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], shortNames: [] };
}

export interface NavSection {
  title: string;
  items: ApiResource[];
}

/** The sidebar's resource tree; each entry is replaced by discovery's answer when it has one. */
export const navSections: NavSection[] = [
  {
    title: 'Workloads',
    items: [
      known('', 'v1', 'pods', 'Pod'),
      known('apps', 'v1', 'deployments', 'Deployment'),
      known('apps', 'v1', 'statefulsets', 'StatefulSet'),
      known('apps', 'v1', 'daemonsets', 'DaemonSet'),
      known('apps', 'v1', 'replicasets', 'ReplicaSet'),
      known('batch', 'v1', 'jobs', 'Job'),
      known('batch', 'v1', 'cronjobs', 'CronJob'),
    ],
  },
  {
    title: 'Network',
    items: [
      known('', 'v1', 'services', 'Service'),
      known('', 'v1', 'endpoints', 'Endpoints'),
      known('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
      known('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
    ],
  },
  {
    title: 'Config',
    items: [
      known('', 'v1', 'configmaps', 'ConfigMap'),
      known('', 'v1', 'secrets', 'Secret'),
      known('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
      known('', 'v1', 'resourcequotas', 'ResourceQuota'),
    ],
  },
  {
    title: 'Storage',
    items: [
      known('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
      known('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
      known('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
    ],
  },
  {
    title: 'Cluster',
    items: [known('', 'v1', 'namespaces', 'Namespace', false), known('', 'v1', 'nodes', 'Node', false), known('', 'v1', 'events', 'Event')],
  },
];

export const wellKnown = {
  pods: navSections[0].items[0],
  deployments: navSections[0].items[1],
  replicasets: navSections[0].items[4],
  secrets: navSections[2].items[1],
  nodes: navSections[4].items[1],
  events: navSections[4].items[2],
  namespaces: navSections[4].items[0],
};

/** Short label for a sidebar entry ("HPAs", "PVCs"). */
export function navLabel(r: ApiResource): string {
  const labels: Record<string, string> = {
    horizontalpodautoscalers: 'HPAs',
    resourcequotas: 'ResourceQuotas',
    persistentvolumeclaims: 'PVCs',
    persistentvolumes: 'PVs',
    endpointslices: 'EndpointSlices',
    storageclasses: 'StorageClasses',
    configmaps: 'ConfigMaps',
  };
  if (labels[r.name]) return labels[r.name];
  // English plural of the kind when the resource name confirms it; else the kind as is.
  const k = r.kind;
  const lower = k.toLowerCase();
  if (r.name === lower) return k;
  if (r.name === `${lower}es`) return `${k}es`;
  if (r.name === `${lower.slice(0, -1)}ies`) return `${k.slice(0, -1)}ies`;
  if (r.name === `${lower}s`) return `${k}s`;
  return k;
}

/** A label selector string from a workload's spec.selector. */
export function selectorString(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined,
): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** What the app's URL views read (the Gateway API kinds are served once a cluster installs their CRDs). */
export const routingKinds = {
  ingresses: navSections[1].items[3],
  endpointslices: navSections[1].items[2],
  gateways: known('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway'),
  httproutes: known('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute'),
};
