// The resource map of a namespace (as Headlamp's Map): workloads → ReplicaSets and the Jobs
// of CronJobs → Pods ← Services ← Ingresses/HTTPRoutes, in layered columns. Owner edges follow
// controller references (by uid); Service edges follow the Service's selector over pod labels;
// route edges follow Ingress and HTTPRoute backends. Pure: the view feeds it the live list rows.
import { labelSelectorFromSet } from '../../engine/apimachinery/selectors';
import { readyTone, statusTone, type Tone } from './status-tone';
import { cellText, type Row } from './table-model';
import type { TableColumnDefinition } from './types';

export type MapKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'CronJob'
  | 'Job'
  | 'ReplicaSet'
  | 'Pod'
  | 'Service'
  | 'Ingress'
  | 'HTTPRoute';

/** Column of each kind, left to right (a Job run by a CronJob on the map moves to column 1, under it). */
export const mapColumnOf: Record<MapKind, number> = {
  Deployment: 0,
  StatefulSet: 0,
  DaemonSet: 0,
  CronJob: 0,
  Job: 0,
  ReplicaSet: 1,
  Pod: 2,
  Service: 3,
  Ingress: 4,
  HTTPRoute: 4,
};
export const mapColumnTitles = ['Workloads', 'ReplicaSets', 'Pods', 'Services', 'Routes'];
const kindOrder: MapKind[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'Pod',
  'Service',
  'Ingress',
  'HTTPRoute',
];

/** A column's heading: the middle column is named after what it holds ("ReplicaSets · Jobs"). */
export function mapColumnTitle(column: number, nodes: MapNode[]): string {
  if (column !== 1) return mapColumnTitles[column];
  const kinds = (['ReplicaSet', 'Job'] as const).filter((k) => nodes.some((n) => n.kind === k));
  return kinds.length ? kinds.map((k) => `${k}s`).join(' · ') : mapColumnTitles[1];
}

/** What the map needs of one object. */
export interface MapObject {
  kind: MapKind;
  /** uid (what owner references point at). */
  id: string;
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  /** uid of the controlling owner, if any. */
  controller?: string;
  /** A line about its state ("Running", "1/2 ready") and its colour. */
  status: string;
  tone?: Tone;
  /** ReplicaSets: desired replicas (old revisions at 0 with no pods are left out). */
  desired?: number;
  /** Services: spec.selector (none: nothing selected; its endpoints are managed by someone else). */
  selector?: Record<string, string>;
  /** Ingresses and HTTPRoutes: the Services they send traffic to, as namespace/name. */
  backends?: string[];
}

export interface MapNode extends MapObject {
  column: number;
}

export interface MapEdge {
  from: string;
  to: string;
  /** owns: controller reference; selects: a Service's selector; routes: an Ingress/HTTPRoute backend. */
  type: 'owns' | 'selects' | 'routes';
}

export interface ResourceGraph {
  /** Nodes by column (mapColumnTitles), ordered to keep edges short. */
  columns: MapNode[][];
  edges: MapEdge[];
  byId: Map<string, MapNode>;
}

const byName = (a: MapNode, b: MapNode) =>
  kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

export function buildResourceGraph(objects: MapObject[]): ResourceGraph {
  const kindOf = new Map(objects.map((o) => [o.id, o.kind]));
  // A CronJob's Jobs sit between it and their pods, as a Deployment's ReplicaSets do.
  const columnOf = (o: MapObject) => (o.kind === 'Job' && o.controller && kindOf.get(o.controller) === 'CronJob' ? 1 : mapColumnOf[o.kind]);
  const byId = new Map<string, MapNode>();
  for (const o of objects) byId.set(o.id, { ...o, column: columnOf(o) });
  const edges: MapEdge[] = [];
  // Owner edges: only to owners on the map (a pod owned by a Node stays unlinked).
  for (const n of byId.values()) {
    const owner = n.controller ? byId.get(n.controller) : undefined;
    if (owner && owner.column < n.column && owner.namespace === n.namespace) edges.push({ from: owner.id, to: n.id, type: 'owns' });
  }
  // An old ReplicaSet (scaled to 0, no pods left) is history, not structure.
  const owning = new Set(edges.map((e) => e.from));
  for (const n of [...byId.values()])
    if (n.kind === 'ReplicaSet' && n.desired === 0 && !owning.has(n.id) && n.controller && byId.has(n.controller)) {
      byId.delete(n.id);
      const at = edges.findIndex((e) => e.to === n.id);
      if (at >= 0) edges.splice(at, 1);
    }
  const all = [...byId.values()];
  const pods = all.filter((n) => n.kind === 'Pod');
  const services = new Map<string, MapNode>();
  for (const n of all) {
    if (n.kind !== 'Service') continue;
    services.set(`${n.namespace}/${n.name}`, n);
    // A Service without a selector (or an empty one) selects no pod: someone else manages its endpoints.
    if (!n.selector || Object.keys(n.selector).length === 0) continue;
    const matcher = labelSelectorFromSet(n.selector);
    for (const p of pods)
      if (p.namespace === n.namespace && matcher.matches(p.labels ?? {})) edges.push({ from: n.id, to: p.id, type: 'selects' });
  }
  for (const n of all) {
    if (n.column !== 4) continue;
    for (const b of new Set(n.backends ?? [])) {
      const svc = services.get(b);
      if (svc) edges.push({ from: n.id, to: svc.id, type: 'routes' });
    }
  }
  return { columns: orderColumns(all, edges, byId), edges, byId };
}

// Layered ordering: columns 0 by name; 1 and 2 under their owners; 3 and 4 beside what they point at.
function orderColumns(all: MapNode[], edges: MapEdge[], byId: Map<string, MapNode>): MapNode[][] {
  const columns: MapNode[][] = mapColumnTitles.map(() => []);
  for (const n of all) columns[n.column].push(n);
  const pos = new Map<string, number>();
  const place = (col: MapNode[]) => col.forEach((n, i) => pos.set(n.id, i));
  const ownerOf = new Map(edges.filter((e) => e.type === 'owns').map((e) => [e.to, e.from]));
  const targets = new Map<string, string[]>();
  for (const e of edges) if (e.type !== 'owns') targets.set(e.from, [...(targets.get(e.from) ?? []), e.to]);
  // Owned nodes follow their owner's row (owners in column 0 before ReplicaSets); orphans go last.
  const ownerRank = (n: MapNode) => {
    const o = ownerOf.get(n.id);
    if (!o) return Infinity;
    return (byId.get(o)?.column ?? 0) * 1e9 + (pos.get(o) ?? 0);
  };
  // Services and routes sit by the first thing they point at; those pointing nowhere go last.
  const targetRank = (n: MapNode) => Math.min(Infinity, ...(targets.get(n.id) ?? []).map((t) => pos.get(t) ?? Infinity));
  columns[0].sort(byName);
  place(columns[0]);
  for (const c of [1, 2]) {
    columns[c].sort((a, b) => ownerRank(a) - ownerRank(b) || byName(a, b));
    place(columns[c]);
  }
  for (const c of [3, 4]) {
    columns[c].sort((a, b) => targetRank(a) - targetRank(b) || byName(a, b));
    place(columns[c]);
  }
  return columns;
}

const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

/** One live list row as the map sees it (kind given by the list it came from). */
export function mapObjectFromRow(kind: MapKind, row: Row, columns: TableColumnDefinition[]): MapObject {
  const col = (name: string) => {
    const i = columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    return i >= 0 ? cellText(row.values[i]) : '';
  };
  const controller = row.meta.ownerReferences?.find((r) => r.controller)?.uid;
  const base: MapObject = {
    kind,
    id: row.key,
    namespace: row.namespace,
    name: row.name,
    labels: row.meta.labels,
    controller,
    status: '',
  };
  const ready = col('Ready');
  if (kind === 'Pod') {
    const status = col('Status');
    return { ...base, status: status && ready ? `${status} · ${ready} ready` : status, tone: statusTone(status) };
  }
  if (kind === 'Deployment' || kind === 'StatefulSet') return { ...base, status: ready ? `${ready} ready` : '', tone: readyTone(ready) };
  if (kind === 'ReplicaSet' || kind === 'DaemonSet') {
    const desired = num(col('Desired'));
    const have = num(col('Ready'));
    if (Number.isNaN(desired) || Number.isNaN(have)) return base;
    return { ...base, desired, status: `${have}/${desired} ready`, tone: desired === 0 ? undefined : have >= desired ? 'ok' : 'warn' };
  }
  if (kind === 'Job') {
    const status = col('Status');
    const done = col('Completions');
    return { ...base, status: [status, done].filter(Boolean).join(' · '), tone: statusTone(status) };
  }
  if (kind === 'CronJob') {
    const suspended = col('Suspend') === 'true';
    const active = num(col('Active'));
    const parts = [col('Schedule'), suspended ? 'suspended' : '', active > 0 ? `${active} active` : ''];
    return { ...base, status: parts.filter(Boolean).join(' · '), tone: suspended ? 'warn' : active > 0 ? 'ok' : undefined };
  }
  const spec = (row.object?.spec ?? {}) as Record<string, unknown>;
  if (kind === 'Service')
    return { ...base, status: col('Type') || cellText(spec.type), selector: spec.selector as Record<string, string> | undefined };
  return { ...base, backends: kind === 'Ingress' ? ingressBackends(spec, row.namespace) : httpRouteBackends(spec, row.namespace) };
}

interface IngressBackend {
  service?: { name?: string };
}

function ingressBackends(spec: Record<string, unknown>, ns: string): string[] {
  const out: string[] = [];
  const add = (b: IngressBackend | undefined) => b?.service?.name && out.push(`${ns}/${b.service.name}`);
  add(spec.defaultBackend as IngressBackend | undefined);
  for (const rule of (spec.rules ?? []) as Array<{ http?: { paths?: Array<{ backend?: IngressBackend }> } }>)
    for (const p of rule.http?.paths ?? []) add(p.backend);
  return out;
}

function httpRouteBackends(spec: Record<string, unknown>, ns: string): string[] {
  const out: string[] = [];
  for (const rule of (spec.rules ?? []) as Array<{
    backendRefs?: Array<{ group?: string; kind?: string; name?: string; namespace?: string }>;
  }>)
    for (const ref of rule.backendRefs ?? [])
      if (ref.name && (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service') out.push(`${ref.namespace ?? ns}/${ref.name}`);
  return out;
}
