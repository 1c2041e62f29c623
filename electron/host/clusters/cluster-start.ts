// One start of a local cluster: spawn its process (the lifecycle library), turn its IPC steps into progress rows, then
// poll the nodes until every one is Ready. Changes go to the entry; publish() announces them.
import type { ClusterLifecycle, ClusterProcess } from '../../../engine/cluster/lifecycle';
import type { StepTracker } from './cluster-steps';
import type { NodeInfo } from '../proxy/kube-request';
import type { ClusterState, RuntimeChoice } from '../protocol';

/** The mutable state of a cluster the start writes to. */
export interface StartingCluster {
  name: string;
  state: ClusterState;
  tracker?: StepTracker;
  error?: string;
  runtime?: RuntimeChoice;
  nodes?: number;
  url?: string;
  /** The API server answered during this start. */
  apiReady?: boolean;
  child?: ClusterProcess;
  /** Set by stop/delete: the start ends as 'stopped', not 'failed'. */
  stopRequested?: boolean;
}

export interface StartDeps {
  lifecycle: ClusterLifecycle;
  readyTimeoutMs: number;
  nodesTimeoutMs: number;
  publish(): void;
  listNodes(): Promise<NodeInfo[]>;
  isClosed(): boolean;
}

export async function runClusterStart(e: StartingCluster, nodes: number, runtime: RuntimeChoice | undefined, d: StartDeps): Promise<void> {
  const paths = d.lifecycle.paths(e.name);
  const tracker = e.tracker!;
  const failed = (message: string) => {
    if (e.stopRequested) {
      e.state = 'stopped';
    } else {
      e.state = 'failed';
      e.error = `${message}; see ${paths.log}`;
      tracker.fail(message);
    }
    d.publish();
  };
  const url = await new Promise<string | undefined>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let over = false;
    const finish = (v: string | undefined) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      resolve(v);
    };
    try {
      // The app never writes the user's kubeconfig: the cluster's own file only.
      e.child = d.lifecycle.start(
        e.name,
        { nodes, nodeRuntime: runtime, kubeconfig: { update: false } },
        {
          step(step, detail) {
            const r = tracker.childStep(step, detail);
            if (r.runtime) e.runtime = r.runtime;
            if (!over) d.publish();
          },
          // The API answers: the app may show the cluster while its nodes come up.
          api(u) {
            if (over) return;
            e.url = u;
            e.apiReady = true;
            d.publish();
          },
          ready: (u) => finish(u),
          failed(message) {
            if (!over) failed(message);
            finish(undefined);
          },
        },
      );
    } catch (err) {
      failed(`cannot start the cluster process (${(err as Error).message})`);
      return finish(undefined);
    }
    timer = setTimeout(() => {
      if (over) return;
      failed(`the cluster was not ready within ${d.readyTimeoutMs / 1000} s`);
      e.child?.kill('SIGTERM');
      finish(undefined);
    }, d.readyTimeoutMs);
  });
  e.child = undefined;
  if (url === undefined) return;
  e.url = url;
  e.apiReady = true;
  d.publish();
  await waitForNodes(e, tracker, d);
  if (e.stopRequested) return;
  e.state = 'running';
  d.publish();
}

// After 'ready': poll the nodes until every one is Ready, ticking their rows off. A node that
// never gets Ready leaves the cluster running, with the reason in `error`.
async function waitForNodes(e: StartingCluster, tracker: StepTracker, d: StartDeps): Promise<void> {
  const deadline = Date.now() + d.nodesTimeoutMs;
  let lastError = '';
  while (!e.stopRequested && !d.isClosed()) {
    try {
      const nodes = await d.listNodes();
      tracker.nodes(nodes);
      e.nodes = nodes.length;
      d.publish();
      if (nodes.length > 0 && nodes.every((n) => n.ready)) return;
      lastError = `${
        nodes
          .filter((n) => !n.ready)
          .map((n) => n.name)
          .join(', ') || 'no node'
      } not Ready`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      tracker.fail(`not Ready after ${d.nodesTimeoutMs / 1000} s`);
      e.error = `${lastError} after ${d.nodesTimeoutMs / 1000} s; see ${logPath(d, e)}`;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const logPath = (d: StartDeps, e: StartingCluster) => d.lifecycle.paths(e.name).log;
