// `skiff node add [NAME] | remove NAME | stop NAME | start NAME | list`: changes the simulated
// nodes of a running cluster through its API (the node manager in the cluster reacts).
import { SkiffError } from '../cluster/errors';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { resolve } from 'node:path';
import { NODE_RUNTIME_ANNOTATION, NODE_STOPPED_ANNOTATION, simulatedNode } from '../kubelet/simulated-node';
import { indexOfPodCIDR } from '../kubelet/pod-cidr';
import type { CliIo } from './io';
import { nodeApiFromKubeconfig, type NodeApi } from './node-api';
import type { KubeObject } from '../kinds/types';
import type { Condition } from '../apimachinery/workload-types';

export const NODE_HELP = `Usage: skiff node <add [NAME]|remove NAME|stop NAME|start NAME|list> [--name CLUSTER] [--data-dir DIR]

  add [NAME]    add a simulated node (default name <cluster>-node-<next number>)
  remove NAME   delete a node; its pods are removed and replaced elsewhere
  stop NAME     make a node act dead (no heartbeats): it turns NotReady and its pods are evicted
  start NAME    bring a stopped node back
  list          list nodes with their runtime and state
  --name CLUSTER (or --cluster CLUSTER)  which cluster (default "local")`;

interface NodeArgs {
  action: string;
  node?: string;
  cluster: string;
  dataDir?: string;
  help: boolean;
}

export function parseNodeArgs(argv: string[]): NodeArgs {
  const a: NodeArgs = { action: '', cluster: 'local', help: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      a.help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      positional.push(arg);
      continue;
    }
    if (!['name', 'cluster', 'data-dir'].includes(m[1]))
      throw new SkiffError(`unknown flag --${m[1]} for "skiff node"`, 'run "skiff node --help" for usage');
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new SkiffError(`--${m[1]} needs a value`, `write --${m[1]} VALUE`);
    if (m[1] === 'name' || m[1] === 'cluster') {
      checkClusterName(value);
      a.cluster = value;
    } else a.dataDir = resolve(value);
  }
  [a.action = '', a.node] = positional;
  if (a.help) return a;
  if (!['add', 'remove', 'stop', 'start', 'list'].includes(a.action)) {
    throw new SkiffError(a.action ? `unknown node action "${a.action}"` : 'missing node action', 'use add, remove, stop, start or list');
  }
  if (positional.length > 2) throw new SkiffError(`unexpected argument "${positional[2]}"`, 'give one node name');
  if (['remove', 'stop', 'start'].includes(a.action) && !a.node)
    throw new SkiffError(`"skiff node ${a.action}" needs a node name`, `write skiff node ${a.action} NAME`);
  return a;
}

async function must(api: NodeApi, method: string, path: string, body?: unknown, type?: string) {
  const r = await api.call(method, path, body, type);
  if (r.status >= 300) {
    const msg = r.text !== undefined ? r.text.slice(0, 200) : r.body.message;
    throw new SkiffError(
      msg || `the API answered ${r.status}`,
      r.status === 404 ? 'see "skiff node list"' : 'check the cluster with "skiff status"',
    );
  }
  return r.body;
}

const ready = (n: KubeObject) =>
  n.status?.conditions?.find((c: Condition) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';

export async function nodeCommand(argv: string[], io: CliIo): Promise<number> {
  const a = parseNodeArgs(argv);
  if (a.help) {
    io.out(NODE_HELP);
    return 0;
  }
  const paths = clusterPaths(a.dataDir ?? defaultDataDir(io.env), a.cluster);
  const api = nodeApiFromKubeconfig(paths.kubeconfig, a.cluster);
  const nodePath = (n: string) => `/api/v1/nodes/${encodeURIComponent(n)}`;
  const annotate = (n: string, value: string | null) =>
    must(api, 'PATCH', nodePath(n), { metadata: { annotations: { [NODE_STOPPED_ANNOTATION]: value } } }, 'application/merge-patch+json');

  switch (a.action) {
    case 'list': {
      const list = await must(api, 'GET', '/api/v1/nodes');
      io.out('NAME'.padEnd(30) + 'STATUS'.padEnd(10) + 'RUNTIME'.padEnd(11) + 'STOPPED'.padEnd(9) + 'MACHINE');
      type ListedNode = {
        metadata: { name: string; annotations?: Record<string, string> };
        status?: { addresses?: { type: string; address: string }[] };
      };
      for (const n of (list.items ?? []) as ListedNode[]) {
        const runtime = n.metadata.annotations?.[NODE_RUNTIME_ANNOTATION] ?? '-';
        // A joined node runs on another machine: its address; the others run in the cluster's process.
        const ip = n.status?.addresses?.find((x) => x.type === 'InternalIP')?.address;
        io.out(
          n.metadata.name.padEnd(30) +
            ready(n).padEnd(10) +
            runtime.padEnd(11) +
            (n.metadata.annotations?.[NODE_STOPPED_ANNOTATION] === 'true' ? 'yes' : 'no').padEnd(9) +
            (runtime === 'joined' ? (ip ?? 'unknown') : 'this machine'),
        );
      }
      return 0;
    }
    case 'add': {
      const list = await must(api, 'GET', '/api/v1/nodes');
      const used = new Set<number>(
        (list.items ?? []).map((n: KubeObject) => indexOfPodCIDR(n.spec?.podCIDR)).filter((i: number | undefined) => i !== undefined),
      );
      let index = 0;
      while (used.has(index)) index++;
      let name = a.node;
      if (!name) {
        const re = new RegExp(`^${a.cluster}-node-(\\d+)$`);
        const max = Math.max(0, ...(list.items ?? []).map((n: KubeObject) => Number(re.exec(n.metadata.name ?? '')?.[1] ?? 0)));
        name = `${a.cluster}-node-${max + 1}`;
      }
      await must(api, 'POST', '/api/v1/nodes', simulatedNode(name, index));
      io.out(`node/${name} added`);
      return 0;
    }
    case 'remove':
      await must(api, 'DELETE', nodePath(a.node!));
      io.out(`node/${a.node} removed`);
      return 0;
    case 'stop':
      await annotate(a.node!, 'true');
      io.out(`node/${a.node} stopped`);
      return 0;
    case 'start':
      await annotate(a.node!, null);
      io.out(`node/${a.node} started`);
      return 0;
  }
  return 0;
}
