// Samples metrics.k8s.io (what `kubectl top` reads) for small usage charts: one sampler per
// profile, one poll loop per list while someone looks at it, the last few samples per node and
// per pod. Clusters without metrics-server answer 404 (or 503 while its APIService is down);
// then the sampler goes quiet for a while instead of failing every 10 s in every view.
import type { K8sClient } from './client';
import { parseQuantity } from '../../engine/apimachinery/quantity';

export const SAMPLES = 30;
export const POLL_MS = 10_000;
export const BACKOFF_MS = 60_000;

const base = '/apis/metrics.k8s.io/v1beta1';

/** A list to sample: every node, or the pods of one namespace ('' = all namespaces). */
export type MetricsList = 'nodes' | `pods:${string}`;
export const nodesList: MetricsList = 'nodes';
export const podsList = (namespace: string): MetricsList => `pods:${namespace}`;

export function metricsPath(list: MetricsList): string {
  if (list === 'nodes') return `${base}/nodes`;
  const ns = list.slice('pods:'.length);
  return ns ? `${base}/namespaces/${encodeURIComponent(ns)}/pods` : `${base}/pods`;
}

/** The last `size` values, oldest first; typed arrays because a namespace may hold 50,000 pods. */
export interface Ring {
  push(v: number): void;
  values(): number[];
  last(): number | undefined;
  readonly length: number;
}

export function createRing(size = SAMPLES): Ring {
  const buf = new Float64Array(size);
  let next = 0;
  let count = 0;
  return {
    push(v) {
      buf[next] = v;
      next = (next + 1) % size;
      count = Math.min(size, count + 1);
    },
    values() {
      const out: number[] = [];
      for (let i = count; i > 0; i--) out.push(buf[(next - i + size) % size]);
      return out;
    },
    last: () => (count ? buf[(next - 1 + size) % size] : undefined),
    get length() {
      return count;
    },
  };
}

export interface ContainerUsage {
  name: string;
  cpu: number;
  memory: number;
}

/** One node's or pod's usage: CPU in millicores, memory in bytes. */
export interface UsageSeries {
  cpu: Ring;
  memory: Ring;
  /** Current per-container values (pods only). */
  containers: ContainerUsage[];
  /** The metrics' own timestamp, so a poll that sees no new sample adds no point. */
  stamp: string;
}

interface Usage {
  cpu?: string;
  memory?: string;
}
export interface MetricsItem {
  metadata: { name: string; namespace?: string };
  timestamp?: string;
  usage?: Usage;
  containers?: Array<{ name: string; usage?: Usage }>;
}

const millicores = (q?: string) => (parseQuantity(q) ?? 0) * 1000;
const bytes = (q?: string) => parseQuantity(q) ?? 0;

/** Series key of an item: "name" for nodes, "namespace/name" for pods. */
export const seriesKey = (m: MetricsItem['metadata']) => (m.namespace ? `${m.namespace}/${m.name}` : m.name);

/** Adds one answer to the series; forgets objects the answer no longer has (deleted pods). */
export function recordSamples(series: Map<string, UsageSeries>, items: MetricsItem[], size = SAMPLES): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = seriesKey(item.metadata);
    seen.add(key);
    const containers = (item.containers ?? []).map((c) => ({
      name: c.name,
      cpu: millicores(c.usage?.cpu),
      memory: bytes(c.usage?.memory),
    }));
    // PodMetrics carry only per-container usage; the pod's is their sum.
    const cpu = item.usage ? millicores(item.usage.cpu) : containers.reduce((a, c) => a + c.cpu, 0);
    const memory = item.usage ? bytes(item.usage.memory) : containers.reduce((a, c) => a + c.memory, 0);
    let s = series.get(key);
    if (!s) series.set(key, (s = { cpu: createRing(size), memory: createRing(size), containers, stamp: '' }));
    const stamp = item.timestamp ?? '';
    if (stamp && stamp === s.stamp) continue;
    s.cpu.push(cpu);
    s.memory.push(memory);
    s.containers = containers;
    s.stamp = stamp;
  }
  for (const key of series.keys()) if (!seen.has(key)) series.delete(key);
}

export interface MetricsSampler {
  /** Polls `list` while it has subscribers; onChange runs after every change. Returns the unsubscribe. */
  subscribe(list: MetricsList, onChange: () => void): () => void;
  /** A node's ("name") or pod's ("namespace/name") series in `list`, if sampled. */
  series(list: MetricsList, key: string): UsageSeries | undefined;
  /** Grows with every change: the snapshot React compares. */
  version(): number;
  /** False after metrics.k8s.io answered 404/503 (views then show nothing); undefined before any answer. */
  available(): boolean | undefined;
  /** One poll now, unless one is in flight (then that one) or the back-off holds. */
  poll(list: MetricsList): Promise<void>;
}

export interface SamplerDeps {
  client: Pick<K8sClient, 'getJson'>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  everyMs?: number;
  backoffMs?: number;
  size?: number;
}

interface ListState {
  listeners: Set<() => void>;
  series: Map<string, UsageSeries>;
  inFlight?: Promise<void>;
  abort?: AbortController;
  timer?: unknown;
}

export function createMetricsSampler(deps: SamplerDeps): MetricsSampler {
  const now = deps.now ?? Date.now;
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const everyMs = deps.everyMs ?? POLL_MS;
  const backoffMs = deps.backoffMs ?? BACKOFF_MS;
  const lists = new Map<MetricsList, ListState>();
  let pausedUntil = 0;
  let available: boolean | undefined;
  let version = 0;

  const notify = (states: Iterable<ListState>) => {
    version++;
    for (const l of states) for (const fn of [...l.listeners]) fn();
  };

  function schedule(list: MetricsList, l: ListState, ms: number) {
    if (l.timer !== undefined) clearTimer(l.timer);
    l.timer = setTimer(() => {
      l.timer = undefined;
      void poll(list);
    }, ms);
  }

  function poll(list: MetricsList): Promise<void> {
    const l = lists.get(list);
    if (!l) return Promise.resolve();
    if (l.inFlight) return l.inFlight;
    const wait = pausedUntil - now();
    if (wait > 0) {
      if (l.listeners.size) schedule(list, l, wait);
      return Promise.resolve();
    }
    const abort = (l.abort = new AbortController());
    const started = now();
    l.inFlight = (async () => {
      try {
        const body = await deps.client.getJson<{ items?: MetricsItem[] }>(metricsPath(list), { signal: abort.signal });
        if (abort.signal.aborted) return;
        recordSamples(l.series, body.items ?? [], deps.size);
        available = true;
        notify([l]);
      } catch (e) {
        if (abort.signal.aborted) return;
        const code = (e as { code?: number }).code;
        if (code === 404 || code === 503) {
          // No metrics-server (or it is down): stop asking for the whole profile for a while,
          // and drop what we had so no view shows stale charts.
          pausedUntil = now() + backoffMs;
          available = false;
          for (const s of lists.values()) s.series.clear();
          notify(lists.values());
        }
        // Other failures (a network blip, a slow server) keep the samples and retry next tick.
      } finally {
        if (l.abort === abort) l.inFlight = undefined; // not a later poll's
        if (!abort.signal.aborted && l.listeners.size) {
          // A huge namespace costs the server more: the pause grows with what a poll took.
          schedule(list, l, Math.max(everyMs, pausedUntil - now(), 20 * (now() - started)));
        }
      }
    })();
    return l.inFlight;
  }

  return {
    subscribe(list, onChange) {
      let l = lists.get(list);
      if (!l) lists.set(list, (l = { listeners: new Set(), series: new Map() }));
      const state = l;
      state.listeners.add(onChange);
      if (state.listeners.size === 1 && !state.inFlight && state.timer === undefined) void poll(list);
      return () => {
        state.listeners.delete(onChange);
        if (state.listeners.size) return;
        // Nobody looks: stop the loop. Node history is small and worth keeping between views;
        // a pod list may hold 50,000 pods, so it goes.
        state.abort?.abort();
        state.inFlight = undefined;
        if (state.timer !== undefined) clearTimer(state.timer);
        state.timer = undefined;
        if (list !== nodesList && lists.get(list) === state) lists.delete(list);
      };
    },
    series: (list, key) => lists.get(list)?.series.get(key),
    version: () => version,
    available: () => available,
    poll,
  };
}
