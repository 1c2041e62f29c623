// The resource map of the namespace: layered columns (workloads → ReplicaSets and Jobs → Pods ←
// Services ← routes) with edges drawn over them. Live from the lists' own list-watches.
// One tab stop: arrows move between nodes (left/right follow an edge when there is one),
// Enter opens the node's panel as a list row does. In a narrow window the panel lies over the
// map as a drawer (resource-map.css) instead of squeezing it.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { errorText } from '../../k8s/errors';
import { mapColumnTitle, type MapEdge, type MapNode, type ResourceGraph } from '../../k8s/resource-map';
import { useApp, useK8s, useServices } from '../../state/services';
import { mapResources, useResourceMap } from '../../state/use-resource-map';
import { DetailPanel } from '../detail/detail-panel';
import { MapEdges } from './map-edges';
import './resource-map.css';

const label = (n: MapNode) => `${n.kind}/${n.name}`;

/** "owned by ReplicaSet web-1; selected by Service web": what the lines say, for screen readers. */
function relations(n: MapNode, graph: ResourceGraph): string {
  const parts: string[] = [];
  const verb: Record<MapEdge['type'], [string, string]> = {
    owns: ['owns', 'owned by'],
    selects: ['selects', 'selected by'],
    routes: ['routes to', 'routed from'],
  };
  for (const e of graph.edges) {
    if (e.from === n.id) parts.push(`${verb[e.type][0]} ${label(graph.byId.get(e.to)!)}`);
    else if (e.to === n.id) parts.push(`${verb[e.type][1]} ${label(graph.byId.get(e.from)!)}`);
  }
  return parts.join('; ');
}

export function ResourceMapView() {
  const client = useK8s();
  const profile = useApp((s) => s.profile);
  const namespace = useApp((s) => s.namespace);
  const discovered = useApp((s) => (profile ? s.discovery[profile]?.resources : undefined));
  const selection = useApp((s) => s.selection);
  const { store } = useServices();
  const resources = useMemo(() => mapResources(discovered), [discovered]);
  const { graph, rows, loading, errors } = useResourceMap(client, namespace, resources);
  const columns = graph.columns.map((nodes, i) => ({ i, title: mapColumnTitle(i, nodes), nodes })).filter((c) => c.nodes.length > 0);
  const canvasRef = useRef<HTMLDivElement>(null);
  const nodeRefs = useRef(new Map<string, HTMLButtonElement>());
  const [focusId, setFocusId] = useState<string>();

  const selectedId = selection
    ? [...graph.byId.values()].find(
        (n) => resources[n.kind]?.name === selection.resource.name && n.namespace === selection.namespace && n.name === selection.name,
      )?.id
    : undefined;
  // The open panel's node in sight (a reload or deep link, a narrow window with the panel open).
  useEffect(() => {
    if (selectedId) nodeRefs.current.get(selectedId)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selectedId]);
  const tabId = (focusId && graph.byId.has(focusId) ? focusId : undefined) ?? selectedId ?? columns[0]?.nodes[0]?.id;
  // Arriving by keyboard (the palette closing): the map takes the keys unless something else has focus.
  // Once the main kinds have listed: the first node then is the first workload, not a pod that came first.
  const paletteOpen = useApp((s) => s.paletteOpen);
  const ready = !loading && graph.byId.size > 0;
  useEffect(() => {
    if (!paletteOpen && ready && tabId && (document.activeElement === document.body || document.activeElement === null))
      nodeRefs.current.get(tabId)?.focus();
  }, [paletteOpen, ready]); // eslint-disable-line react-hooks/exhaustive-deps -- on arrival only, not as the focus moves
  const open = useCallback(
    (n: MapNode) => {
      const resource = resources[n.kind];
      if (resource) store.getState().select({ resource, namespace: n.namespace, name: n.name });
    },
    [resources, store],
  );
  const moveTo = (n: MapNode | undefined) => {
    if (!n) return;
    setFocusId(n.id);
    const el = nodeRefs.current.get(n.id);
    el?.focus({ preventScroll: true });
    // Nearest, within the map's scroll padding: not under the drawer of a narrow window.
    el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const cur = tabId ? graph.byId.get(tabId) : undefined;
    if (!cur) return;
    const ci = columns.findIndex((c) => c.nodes[0].column === cur.column);
    const col = columns[ci].nodes;
    const at = col.findIndex((n) => n.id === cur.id);
    const side = (dir: number) => {
      const next = columns[ci + dir]?.nodes;
      if (!next) return undefined;
      const linked = graph.edges
        .flatMap((x) => (x.from === cur.id ? [x.to] : x.to === cur.id ? [x.from] : []))
        .map((id) => next.find((n) => n.id === id))
        .find(Boolean);
      return linked ?? next[Math.min(at, next.length - 1)];
    };
    const target =
      e.key === 'ArrowDown'
        ? col[at + 1]
        : e.key === 'ArrowUp'
          ? col[at - 1]
          : e.key === 'ArrowRight'
            ? side(1)
            : e.key === 'ArrowLeft'
              ? side(-1)
              : e.key === 'Home'
                ? col[0]
                : e.key === 'End'
                  ? col[col.length - 1]
                  : undefined;
    if (!target) return;
    e.preventDefault();
    moveTo(target);
  };

  const hot = new Set([tabId, selectedId].filter(Boolean));
  const nsText = namespace ? `namespace ${namespace}` : 'all namespaces';
  return (
    <div className={`content map-content${selection ? ' has-detail' : ''}`}>
      <div className="list-pane" data-testid="resource-map">
        <div className="toolbar">
          <h2>
            Map <span className="muted">({nsText})</span>
          </h2>
          <span className="spacer" />
          <span className="muted small map-hint">Arrows move, Enter opens</span>
        </div>
        {errors.length > 0 && (
          <div className="notice small map-errors" role="status" data-testid="map-errors">
            Not shown: {errors.map((e) => `${e.kind}s (${errorText(e.error)})`).join('; ')}
          </div>
        )}
        <div className="map-scroll">
          {loading && !graph.byId.size ? (
            <div className="muted map-empty">Loading the map…</div>
          ) : !graph.byId.size ? (
            <div className="muted map-empty" data-testid="map-empty">
              Nothing to map in {nsText}: no workloads, pods or services.
            </div>
          ) : (
            <div className="map-canvas" ref={canvasRef} role="group" aria-label={`Resource map of ${nsText}`} onKeyDown={onKeyDown}>
              {columns.map((c) => (
                <section className="map-col" key={c.i} aria-label={c.title}>
                  <h3 className="map-col-title">
                    {c.title} <span className="muted">({c.nodes.length})</span>
                  </h3>
                  <ul>
                    {c.nodes.map((n) => {
                      const rel = relations(n, graph);
                      return (
                        <li key={n.id}>
                          <button
                            ref={(el) => {
                              if (el) nodeRefs.current.set(n.id, el);
                              else nodeRefs.current.delete(n.id);
                            }}
                            className={`map-node${n.id === selectedId ? ' selected' : ''}`}
                            data-testid="map-node"
                            data-kind={n.kind}
                            data-name={n.name}
                            data-tone={n.tone ?? ''}
                            tabIndex={n.id === tabId ? 0 : -1}
                            aria-current={n.id === selectedId ? 'true' : undefined}
                            onFocus={() => setFocusId(n.id)}
                            onClick={() => open(n)}
                          >
                            <span className="map-node-head">
                              <span className={`dot ${n.tone ?? ''}`} aria-hidden="true" />
                              <span className="map-node-kind">{n.kind}</span>
                              {!namespace && <span className="map-node-ns">{n.namespace}</span>}
                            </span>
                            <span className="map-node-name">{n.name}</span>
                            {n.status && <span className={`map-node-status${n.tone ? ` tone-${n.tone}` : ''}`}>{n.status}</span>}
                            {rel && <span className="sr-only">, {rel}</span>}
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                </section>
              ))}
              {/* After the nodes: its layout effect measures them once their refs are set. */}
              <MapEdges graph={graph} canvasRef={canvasRef} nodeRefs={nodeRefs} hot={hot} />
            </div>
          )}
        </div>
      </div>
      {selection && (
        <DetailPanel
          key={`${selection.resource.name}/${selection.namespace}/${selection.name}`}
          selection={selection}
          liveRow={selectedId ? rows.get(selectedId) : undefined}
        />
      )}
    </div>
  );
}
