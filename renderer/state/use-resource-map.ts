// The live data of the resource map: one list-watch per kind (the lists' own use-live-table),
// turned into a graph whenever a batch of watch events lands. The Pods, ReplicaSets,
// Deployments and Services lists start first, so they take the browser's few watch slots;
// the rest start once those have listed, watching when a slot is left and otherwise
// re-listing on list-watch's own interval. All of them watch at background priority: a log
// followed in the dock (or another foreground stream) takes the newest one's slot, and that
// kind polls until a slot is free again (stream-slots.ts).
import { useMemo } from 'react';
import type { K8sClient } from '../k8s/client';
import { buildResourceGraph, mapObjectFromRow, type MapKind, type ResourceGraph } from '../k8s/resource-map';
import { resourcePath, routingKinds, wellKnown, navSections } from '../k8s/resources';
import type { Row } from '../k8s/table-model';
import type { ApiResource } from '../k8s/types';
import { useLiveTable, type LiveTable } from './use-live-table';

const workloads = navSections[0].items;
const byName = (name: string) => workloads.find((r) => r.name === name)!;

/** The kinds on the map and the resource each is read from (discovery's copy when it has one). */
export function mapResources(discovered: ApiResource[] | undefined): Record<MapKind, ApiResource | undefined> {
  const pick = (r: ApiResource) => discovered?.find((d) => d.group === r.group && d.name === r.name) ?? r;
  const httproutes = discovered?.find((d) => d.group === routingKinds.httproutes.group && d.name === 'httproutes');
  return {
    Deployment: pick(wellKnown.deployments),
    StatefulSet: pick(byName('statefulsets')),
    DaemonSet: pick(byName('daemonsets')),
    CronJob: pick(byName('cronjobs')),
    Job: pick(byName('jobs')),
    ReplicaSet: pick(wellKnown.replicasets),
    Pod: pick(wellKnown.pods),
    Service: pick(navSections[1].items[0]),
    Ingress: pick(routingKinds.ingresses),
    // A Gateway API kind: only where the cluster serves it.
    HTTPRoute: httproutes,
  };
}

export interface ResourceMapState {
  graph: ResourceGraph;
  /** The live row of each node (by id), for the detail panel. */
  rows: Map<string, Row>;
  loading: boolean;
  /** Kinds that could not be listed, with the error. */
  errors: Array<{ kind: MapKind; error: Error }>;
}

const background = { priority: 'background' as const };
const spec = { ...background, includeObject: 'Object' as const };
const rarely = { ...background, pollMs: 5000 };

export function useResourceMap(
  client: K8sClient | undefined,
  namespace: string,
  resources: Record<MapKind, ApiResource | undefined>,
): ResourceMapState {
  const path = (k: MapKind, ready = true) => (ready && resources[k] ? resourcePath(resources[k], namespace) : undefined);
  const core: Array<[MapKind, LiveTable]> = [
    ['Pod', useLiveTable(client, path('Pod'), background)],
    ['ReplicaSet', useLiveTable(client, path('ReplicaSet'), background)],
    ['Deployment', useLiveTable(client, path('Deployment'), background)],
    ['Service', useLiveTable(client, path('Service'), spec)],
  ];
  const coreListed = core.every(([, t]) => t.complete || t.error);
  const rest: Array<[MapKind, LiveTable]> = [
    ['StatefulSet', useLiveTable(client, path('StatefulSet', coreListed), rarely)],
    ['DaemonSet', useLiveTable(client, path('DaemonSet', coreListed), rarely)],
    ['CronJob', useLiveTable(client, path('CronJob', coreListed), rarely)],
    ['Job', useLiveTable(client, path('Job', coreListed), rarely)],
    ['Ingress', useLiveTable(client, path('Ingress', coreListed), { ...spec, ...rarely })],
    ['HTTPRoute', useLiveTable(client, path('HTTPRoute', coreListed), { ...spec, ...rarely })],
  ];
  const all = [...core, ...rest];
  const [p, rs, d, s] = core.map(([, t]) => t.set.rows);
  const [ss, ds, cj, j, i, h] = rest.map(([, t]) => t.set.rows);
  const built = useMemo(() => {
    const rows = new Map<string, Row>();
    const objects = all.flatMap(([kind, t]) =>
      t.set.rows.map((row) => {
        rows.set(row.key, row);
        return mapObjectFromRow(kind, row, t.columns);
      }),
    );
    return { graph: buildResourceGraph(objects), rows };
  }, [p, rs, d, s, ss, ds, cj, j, i, h]); // eslint-disable-line react-hooks/exhaustive-deps -- each kind's rows are what the graph is built from
  return {
    ...built,
    loading: core.some(([, t]) => t.loading),
    errors: all.filter(([, t]) => t.error).map(([kind, t]) => ({ kind, error: t.error! })),
  };
}
