// The map's lines: measured from where the node buttons landed (the columns are plain CSS
// layout), redrawn when the graph changes or the canvas resizes. Decorative for assistive
// technology: each node's button says its relations in words.
import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from 'react';
import type { ResourceGraph } from '../../k8s/resource-map';

interface Box {
  l: number;
  r: number;
  y: number;
}

export function MapEdges({
  graph,
  canvasRef,
  nodeRefs,
  hot,
}: {
  graph: ResourceGraph;
  canvasRef: RefObject<HTMLDivElement | null>;
  nodeRefs: RefObject<Map<string, HTMLButtonElement>>;
  hot: Set<string | undefined>;
}) {
  const [boxes, setBoxes] = useState<{ w: number; h: number; at: Map<string, Box> }>();
  const measure = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const c = canvas.getBoundingClientRect();
    const at = new Map<string, Box>();
    for (const [id, el] of nodeRefs.current) {
      const b = el.getBoundingClientRect();
      at.set(id, { l: b.left - c.left, r: b.right - c.left, y: b.top - c.top + b.height / 2 });
    }
    setBoxes({ w: canvas.scrollWidth, h: canvas.scrollHeight, at });
  }, [canvasRef, nodeRefs]);
  useLayoutEffect(measure, [graph, measure]);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(canvas);
    return () => ro.disconnect();
  }, [canvasRef, measure]);
  if (!boxes) return null;
  return (
    <svg className="map-edges" width={boxes.w} height={boxes.h} aria-hidden="true" focusable="false">
      <defs>
        <marker
          id="map-arrow"
          viewBox="0 0 8 8"
          refX="7"
          refY="4"
          markerWidth="8"
          markerHeight="8"
          markerUnits="userSpaceOnUse"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L8,4 L0,8 z" className="map-arrow" />
        </marker>
        <marker
          id="map-arrow-hot"
          viewBox="0 0 8 8"
          refX="7"
          refY="4"
          markerWidth="8"
          markerHeight="8"
          markerUnits="userSpaceOnUse"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L8,4 L0,8 z" className="map-arrow hot" />
        </marker>
      </defs>
      {graph.edges.map((e) => {
        const f = boxes.at.get(e.from);
        const t = boxes.at.get(e.to);
        const from = graph.byId.get(e.from);
        const to = graph.byId.get(e.to);
        if (!f || !t || !from || !to) return null;
        const rightward = f.l < t.l;
        const x1 = rightward ? f.r : f.l;
        const x2 = rightward ? t.l : t.r;
        const dx = (x2 - x1) / 2;
        const isHot = hot.has(e.from) || hot.has(e.to);
        return (
          <path
            key={`${e.from}>${e.to}`}
            data-testid="map-edge"
            data-type={e.type}
            data-from={`${from.kind}/${from.name}`}
            data-to={`${to.kind}/${to.name}`}
            className={`map-edge ${e.type}${isHot ? ' hot' : ''}`}
            d={`M${x1},${f.y} C${x1 + dx},${f.y} ${x2 - dx},${t.y} ${x2},${t.y}`}
            markerEnd={`url(#${isHot ? 'map-arrow-hot' : 'map-arrow'})`}
          />
        );
      })}
    </svg>
  );
}
