// The progress rows of a cluster start: the child's IPC steps (network, pki, store, apiserver, nodes,
// kubeconfig) become rows, then one row per node that turns done when the Node is Ready.
import type { ProgressStep, RuntimeChoice } from '../protocol';

/** The child's step names (engine/cluster/control-plane.ts onStep) -> our row ids. */
const CHILD_STEPS: Record<string, string> = {
  network: 'network',
  pki: 'certificates',
  store: 'store',
  apiserver: 'apiserver',
  nodes: 'controllers',
  kubeconfig: 'kubeconfig',
};

const BASE_ROWS: Array<[string, string]> = [
  ['certificates', 'Certificates'],
  ['store', 'Store'],
  ['apiserver', 'API server'],
  ['controllers', 'Scheduler and controllers'],
  ['kubeconfig', 'Kubeconfig'],
];

export interface NodeStatus {
  name: string;
  ready: boolean;
}

export interface StepTracker {
  steps(): ProgressStep[];
  /** 0..1: the share of rows done. */
  progress(): number;
  /** A 'step' message from the child. Returns the runtime when the step names it. */
  childStep(step: string, detail?: string): { runtime?: RuntimeChoice };
  /** The cluster's nodes as last listed; rows follow the list, ready ones are done. */
  nodes(list: NodeStatus[]): void;
  /** Marks the running row (or every unfinished node row) failed. */
  fail(detail: string): void;
}

export function nodeNames(cluster: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${cluster}-node-${i + 1}`);
}

export function createStepTracker(cluster: string, nodeCount: number, now: () => number = () => performance.now()): StepTracker {
  const rows: ProgressStep[] = [
    ...BASE_ROWS.map(([id, label]) => ({ id, label, state: 'pending' as const })),
    ...nodeNames(cluster, nodeCount).map(nodeRow),
  ];
  let startedAt = now();
  rows[0] = { ...rows[0], state: 'running' };

  const advance = () => {
    const next = rows.findIndex((r) => r.state === 'pending' || r.state === 'running');
    if (next >= 0 && rows[next].state === 'pending') {
      rows[next] = { ...rows[next], state: 'running' };
      if (!rows[next].id.startsWith('node:')) startedAt = now();
    }
  };

  return {
    steps: () => rows.map((r) => ({ ...r })),
    progress: () => (rows.length ? rows.filter((r) => r.state === 'done').length / rows.length : 1),
    childStep(step, detail) {
      const id = CHILD_STEPS[step];
      if (!id) return {};
      // Only Docker-backed clusters prepare a network (first): its row appears when it is done.
      if (id === 'network' && !rows.some((r) => r.id === 'network')) rows.unshift({ id, label: 'Cluster network', state: 'running' });
      const i = rows.findIndex((r) => r.id === id);
      const { text, ms } = splitDetail(detail);
      rows[i] = { ...rows[i], state: 'done', ...(text ? { detail: text } : {}), ms: ms ?? Math.round(now() - startedAt) };
      // Rows before it that the child skipped count as done too.
      for (let j = 0; j < i; j++) if (rows[j].state !== 'done') rows[j] = { ...rows[j], state: 'done' };
      startedAt = now();
      advance();
      const m = /\b(docker|simulated) node/.exec(text ?? '');
      return m ? { runtime: m[1] as RuntimeChoice } : {};
    },
    nodes(list) {
      const base = rows.filter((r) => !r.id.startsWith('node:'));
      const old = new Map(rows.filter((r) => r.id.startsWith('node:')).map((r) => [r.id, r]));
      const sorted = [...list].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
      const nodeRows = sorted.map((n) => {
        const prev = old.get(`node:${n.name}`) ?? nodeRow(n.name);
        if (n.ready && prev.state !== 'done') return { ...prev, state: 'done' as const, ms: Math.round(now() - startedAt) };
        if (!n.ready && prev.state === 'pending') return { ...prev, state: 'running' as const };
        return prev;
      });
      rows.splice(0, rows.length, ...base, ...nodeRows);
    },
    fail(detail) {
      const running = rows.findIndex((r) => r.state === 'running');
      if (running >= 0 && !rows[running].id.startsWith('node:')) {
        rows[running] = { ...rows[running], state: 'failed', detail };
        return;
      }
      let marked = false;
      for (let i = 0; i < rows.length; i++) {
        if (rows[i].id.startsWith('node:') && rows[i].state !== 'done') {
          rows[i] = { ...rows[i], state: 'failed', detail };
          marked = true;
        }
      }
      if (!marked && running >= 0) rows[running] = { ...rows[running], state: 'failed', detail };
    },
  };
}

function nodeRow(name: string): ProgressStep {
  return { id: `node:${name}`, label: `Node ${name} ready`, state: 'pending' };
}

/** "sqlite /x/state.db (12 ms)" -> text and ms. */
export function splitDetail(detail: string | undefined): { text?: string; ms?: number } {
  if (!detail) return {};
  const m = /^(.*?)\s*\((\d+) ms\)\s*$/s.exec(detail);
  return m ? { text: m[1] || undefined, ms: Number(m[2]) } : { text: detail };
}
