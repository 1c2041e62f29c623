// A node: capacity and allocatable, taints, system info, its pods; Cordon/Uncordon and Drain.
import { useState } from 'react';
import { drain, setCordon } from '../../k8s/actions';
import { resourcePath, wellKnown } from '../../k8s/resources';
import { toneForCell } from '../../k8s/status-tone';
import type { KubeObject } from '../../k8s/types';
import { agentHealth, nodeMachine } from '../../k8s/node-machine';
import { useApp, useK8s } from '../../state/services';
import { useNow } from '../../state/use-now';
import { usePolled } from '../../state/use-polled';
import { useLiveTable } from '../../state/use-live-table';
import { ConfirmDialog } from '../confirm-dialog';
import { accessQuery } from '../../k8s/access';
import { guard, useAccessList } from '../../state/use-access';
import { NodeUsage } from './usage-charts';

export function NodeActions({ node, reload }: { node: KubeObject; reload(): void }) {
  const client = useK8s()!;
  const toast = useApp((s) => s.toast);
  const [confirm, setConfirm] = useState(false);
  const name = node.metadata.name ?? '';
  const cordoned = !!node.spec?.unschedulable;
  const [patch, evict] = useAccessList([
    accessQuery(wellKnown.nodes, 'patch', '', name),
    accessQuery(wellKnown.pods, 'create', '', undefined, 'eviction'),
  ]);
  const toggle = async () => {
    try {
      await setCordon(client, name, !cordoned);
      toast(`${cordoned ? 'Uncordoned' : 'Cordoned'} node ${name}`);
      reload();
    } catch (e) {
      toast(`Could not ${cordoned ? 'uncordon' : 'cordon'} ${name}: ${(e as Error).message}`, 'bad');
    }
  };
  return (
    <>
      <button data-testid={cordoned ? 'action-uncordon' : 'action-cordon'} {...guard(patch)} onClick={toggle}>
        {cordoned ? 'Uncordon' : 'Cordon'}
      </button>
      <button data-testid="action-drain" {...guard(patch && !patch.allowed ? patch : evict)} onClick={() => setConfirm(true)}>
        Drain
      </button>
      {confirm && (
        <ConfirmDialog
          title={`Drain node ${name}?`}
          confirmLabel="Drain"
          danger
          onClose={() => setConfirm(false)}
          onConfirm={async () => {
            const r = await drain(client, name);
            reload();
            const msg = `Drained ${name}: ${r.evicted.length} evicted, ${r.skipped.length} skipped (DaemonSet or finished)`;
            if (r.failed.length) throw new Error(`${msg}; ${r.failed.length} could not be evicted: ${r.failed.join('; ')}`);
            toast(msg);
          }}
        >
          Marks the node unschedulable and evicts its pods (DaemonSet pods stay). Evictions respect PodDisruptionBudgets; controllers
          recreate the pods elsewhere.
        </ConfirmDialog>
      )}
    </>
  );
}

function NodePods({ name }: { name: string }) {
  const client = useK8s();
  const showList = useApp((s) => s.showList);
  const select = useApp((s) => s.select);
  const live = useLiveTable(client, resourcePath(wellKnown.pods), { fieldSelector: `spec.nodeName=${name}`, poll: true, pollMs: 5000 });
  const status = live.columns.findIndex((c) => c.name === 'Status');
  return (
    <section data-testid="node-pods">
      <h3>Pods ({live.set.rows.length})</h3>
      {live.error && <div className="small tone-bad">{live.error.message}</div>}
      <table className="mini">
        <tbody>
          {live.set.rows.slice(0, 200).map((r) => (
            <tr key={r.key}>
              <td>
                <button
                  className="link"
                  onClick={() => {
                    showList(wellKnown.pods);
                    select({ resource: wellKnown.pods, namespace: r.namespace, name: r.name });
                  }}
                >
                  {r.namespace}/{r.name}
                </button>
              </td>
              <td className={`tone-${toneForCell('Status', r.cells[status] ?? '') ?? ''}`}>{r.cells[status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {live.set.rows.length > 200 && <div className="muted small">and {live.set.rows.length - 200} more (see Pods, filtered by node)</div>}
    </section>
  );
}

/** Which machine the node is and whether its agent's heartbeat (the node Lease) is current. */
function NodeMachineRows({ node }: { node: KubeObject }) {
  const client = useK8s();
  const name = node.metadata.name ?? '';
  const lease = usePolled(
    (signal) =>
      client
        ? client.getJson<KubeObject>(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(name)}`, {
            signal,
          })
        : Promise.resolve(undefined),
    [client, name],
    5000,
  );
  const now = useNow(1000);
  const machine = nodeMachine(node);
  const health = agentHealth(node, lease.data, now);
  return (
    <>
      <span>Machine</span>
      <span data-testid="node-machine">
        {machine.what}
        {machine.address ? ` · ${machine.address}` : ''}
      </span>
      {machine.agentEndpoint && (
        <>
          <span>Agent endpoint</span>
          <span className="mono">{machine.agentEndpoint}</span>
        </>
      )}
      <span>Agent</span>
      <span data-testid="node-agent-health" className={`tone-${health.tone}`}>
        {health.text}
      </span>
    </>
  );
}

export function NodeSection({ node }: { node: KubeObject }) {
  const st = node.status ?? {};
  const keys = Array.from(new Set([...Object.keys(st.capacity ?? {}), ...Object.keys(st.allocatable ?? {})]));
  const info = st.nodeInfo ?? {};
  return (
    <section data-testid="node-section">
      <h3>Node</h3>
      <div className="kv">
        <span>Roles</span>
        <span data-testid="node-roles">
          {Object.keys(node.metadata.labels ?? {})
            .filter((l) => l.startsWith('node-role.kubernetes.io/'))
            .map((l) => l.slice('node-role.kubernetes.io/'.length))
            .join(', ') || 'none'}
        </span>
        <NodeMachineRows node={node} />
        <span>Schedulable</span>
        <span className={node.spec?.unschedulable ? 'tone-warn' : ''}>{node.spec?.unschedulable ? 'No (cordoned)' : 'Yes'}</span>
        <span>Addresses</span>
        <span>{(st.addresses ?? []).map((a: any) => `${a.type} ${a.address}`).join(', ')}</span>
        <span>Kubelet</span>
        <span>
          {info.kubeletVersion} · {info.containerRuntimeVersion}
        </span>
        <span>OS</span>
        <span>
          {info.osImage} ({info.operatingSystem}/{info.architecture})
        </span>
        {node.spec?.podCIDR && (
          <>
            <span>Pod CIDR</span>
            <span className="mono">{node.spec.podCIDR}</span>
          </>
        )}
      </div>
      <NodeUsage name={node.metadata.name ?? ''} />
      <h3>Resources</h3>
      <table className="mini" data-testid="node-capacity">
        <thead>
          <tr>
            <th>Resource</th>
            <th>Capacity</th>
            <th>Allocatable</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{st.capacity?.[k]}</td>
              <td>{st.allocatable?.[k]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Taints</h3>
      {node.spec?.taints?.length ? (
        <div className="chips">
          {node.spec.taints.map((t: any, i: number) => (
            <span key={i} className="chip">
              {t.key}
              {t.value ? `=${t.value}` : ''}:{t.effect}
            </span>
          ))}
        </div>
      ) : (
        <span className="muted small">none</span>
      )}
      <NodePods name={node.metadata.name ?? ''} />
    </section>
  );
}
