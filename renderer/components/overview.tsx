// A cluster at a glance: nodes and their readiness, capacity and usage (when metrics.k8s.io
// answers), pods by phase, the app URLs Ingresses and HTTPRoutes expose, recent warnings.
import { formatAge } from '../k8s/age';
import { tableAccept, type K8sClient } from '../k8s/client';
import { errorText } from '../k8s/errors';
import { countByPhase, podPhases, type PodPhase } from '../k8s/pod-buckets';
import { nodesList } from '../k8s/metrics-sampler';
import { formatBytes, formatCpu } from '../k8s/quantity';
import { parseQuantity } from '../../engine/apimachinery/quantity';
import { resourcePath, routingKinds, wellKnown } from '../k8s/resources';
import type { KubeObject, RawTable } from '../k8s/types';
import { useApp, useK8s } from '../state/services';
import { useAccessList } from '../state/use-access';
import { useLiveTable } from '../state/use-live-table';
import { useMetrics } from '../state/use-metrics';
import { useNow } from '../state/use-now';
import { usePolled } from '../state/use-polled';
import { AppUrlsCard } from './app-urls-card';
import { overviewAccess, overviewReads } from './overview-reads';
import { ErrorBox } from './error-box';
import { Sparkline } from './sparkline';

const phaseTone: Record<string, string> = { Running: 'ok', Pending: 'warn', Succeeded: 'ok', Failed: 'bad', Unknown: 'warn' };

/** Pods by phase, and per node, from one list of Table cells (no objects, big pages). */
async function countPods(
  client: K8sClient,
  ns: string,
  signal: AbortSignal,
): Promise<{ phases: Record<PodPhase, number>; byNode: Map<string, number> }> {
  const statuses: string[] = [];
  const byNode = new Map<string, number>();
  let token: string | undefined;
  let col = -1;
  let nodeCol = -1;
  do {
    const t = await client.getJson<RawTable>(resourcePath(wellKnown.pods, ns), {
      accept: tableAccept,
      signal,
      query: { includeObject: 'None', limit: '10000', continue: token },
    });
    if (col < 0) col = (t.columnDefinitions ?? []).findIndex((c) => c.name === 'Status');
    if (nodeCol < 0) nodeCol = (t.columnDefinitions ?? []).findIndex((c) => c.name === 'Node');
    for (const r of t.rows ?? []) {
      statuses.push(String(r.cells[col] ?? ''));
      const node = nodeCol >= 0 ? String(r.cells[nodeCol] ?? '') : '';
      if (node && node !== '<none>') byNode.set(node, (byNode.get(node) ?? 0) + 1);
    }
    token = t.metadata?.continue || undefined;
  } while (token);
  return { phases: countByPhase(statuses), byNode };
}

/** Conditions other than Ready that say something is wrong (pressure, network unavailable), with what they say. */
function nodeProblems(node: KubeObject): string[] {
  type Condition = { type: string; status: string; message?: string };
  return ((node.status?.conditions ?? []) as Condition[])
    .filter((c) => c.type !== 'Ready' && c.status === 'True')
    .map((c) => (c.message ? `${c.type}: ${c.message}` : c.type));
}

function isReady(node: KubeObject): boolean {
  return (node.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function Meter({ used, total }: { used: number; total: number }) {
  const pct = total > 0 && Number.isFinite(used) ? Math.min(100, (used / total) * 100) : 0;
  return (
    <span className="meter" title={`${Math.round(pct)}%`}>
      <div style={{ width: `${pct}%` }} />
    </span>
  );
}

export function Overview() {
  const client = useK8s();
  const namespace = useApp((s) => s.namespace);
  const showList = useApp((s) => s.showList);
  const select = useApp((s) => s.select);
  const gatewayApi = useApp(
    (s) =>
      !!s.profile && !!s.discovery[s.profile]?.resources.some((r) => r.group === routingKinds.httproutes.group && r.name === 'httproutes'),
  );
  // Each part is read once the identity is known to may list it; refused parts are named once below.
  const reads = overviewReads(namespace, gatewayApi);
  const { may, refused } = overviewAccess(reads, useAccessList(reads.map((r) => r.query)));
  const nodes = useLiveTable(client, may.nodes ? resourcePath(wellKnown.nodes) : undefined, { includeObject: 'Object' });
  const counts = usePolled(
    (signal) => (may.pods ? countPods(client!, namespace, signal) : Promise.resolve(undefined)),
    [client, namespace, may.pods],
  );
  const warnings = usePolled(
    (signal) =>
      may.events
        ? client!.getJson<{ items: KubeObject[] }>(resourcePath(wellKnown.events, namespace), {
            signal,
            query: { fieldSelector: 'type=Warning', limit: '500' },
          })
        : Promise.resolve(undefined),
    [client, namespace, may.events],
  );
  const metrics = useMetrics(may.nodes ? nodesList : undefined);
  const now = useNow(5000);
  const nodeObjs = nodes.set.rows.map((r) => r.object).filter((o): o is KubeObject => !!o);
  const sum = (key: string) => nodeObjs.reduce((a, n) => a + (parseQuantity(n.status?.allocatable?.[key]) || 0), 0);
  const recent = (warnings.data?.items ?? [])
    .map((e) => ({ e, t: Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0 }))
    .sort((a, b) => b.t - a.t)
    .slice(0, 12);
  const openNode = (name: string) => {
    showList(wellKnown.nodes);
    select({ resource: wellKnown.nodes, namespace: '', name });
  };

  return (
    <div className="page" data-testid="overview">
      <h1>Overview</h1>
      {refused.length > 0 && (
        <div className="notice small" data-testid="overview-refused" role="note">
          Not shown, as this identity may not read it: {refused.join('; ')}.
        </div>
      )}
      {nodes.error && <ErrorBox error={nodes.error} title="Cannot read the cluster" />}
      <div className="tiles">
        <div className="tile">
          <div className="muted small">Nodes ready</div>
          <div className="n" data-testid="nodes-ready">
            {may.nodes === false ? '—' : `${nodeObjs.filter(isReady).length}/${nodeObjs.length}`}
          </div>
        </div>
        <div className="tile">
          <div className="muted small">CPU allocatable</div>
          <div className="n">{may.nodes === false ? '—' : formatCpu(sum('cpu'))}</div>
        </div>
        <div className="tile">
          <div className="muted small">Memory allocatable</div>
          <div className="n">{may.nodes === false ? '—' : formatBytes(sum('memory'))}</div>
        </div>
        <div className="tile">
          <div className="muted small">Pods capacity</div>
          <div className="n">{sum('pods') || '—'}</div>
        </div>
      </div>
      <h3>Pods{namespace ? ` in ${namespace}` : ''}</h3>
      {counts.error ? <div className="small tone-bad">{errorText(counts.error)}</div> : null}
      <div className="tiles" data-testid="pod-phases">
        {podPhases.map((p) => (
          <button
            key={p}
            className="tile"
            style={{ textAlign: 'left' }}
            data-testid={`phase-${p}`}
            onClick={() => showList(wellKnown.pods)}
          >
            <div className={`small tone-${phaseTone[p]}`}>{p}</div>
            <div className="n">{counts.data ? counts.data.phases[p] : may.pods === false ? '—' : '…'}</div>
          </button>
        ))}
      </div>
      <h3 hidden={may.nodes === false}>Nodes</h3>
      <table className="mini" hidden={may.nodes === false}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Roles</th>
            <th>CPU</th>
            <th>Memory</th>
            <th title={`Pods on the node${namespace ? ` in ${namespace}` : ''} / allocatable`}>Pods</th>
            <th>Version</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {nodeObjs.map((n) => {
            const ready = isReady(n);
            const u = metrics.series(n.metadata.name ?? '');
            const cpu = (u?.cpu.last() ?? NaN) / 1000;
            const mem = u?.memory.last() ?? NaN;
            const cpuTotal = parseQuantity(n.status?.allocatable?.cpu) ?? NaN;
            const memTotal = parseQuantity(n.status?.allocatable?.memory) ?? NaN;
            const problems = nodeProblems(n);
            const roles =
              Object.keys(n.metadata.labels ?? {})
                .filter((l) => l.startsWith('node-role.kubernetes.io/'))
                .map((l) => l.split('/')[1])
                .join(',') || '—';
            return (
              <tr key={n.metadata.uid} data-testid="node-row" data-name={n.metadata.name} data-ready={String(ready)}>
                <td>
                  <button className="link" onClick={() => openNode(n.metadata.name ?? '')}>
                    {n.metadata.name}
                  </button>
                </td>
                <td className={ready && !problems.length ? 'tone-ok' : 'tone-bad'} data-testid="node-conditions">
                  {ready ? 'Ready' : 'NotReady'}
                  {n.spec?.unschedulable ? ', SchedulingDisabled' : ''}
                  {problems.length ? `, ${problems.join(', ')}` : ''}
                </td>
                <td>{roles}</td>
                <td>
                  {u ? (
                    <>
                      <Meter used={cpu} total={cpuTotal} />{' '}
                      <Sparkline values={u.cpu.values()} width={60} height={14} zero title={`CPU of ${n.metadata.name}`} /> {formatCpu(cpu)}
                      /
                    </>
                  ) : (
                    ''
                  )}
                  {formatCpu(cpuTotal)}
                </td>
                <td>
                  {u ? (
                    <>
                      <Meter used={mem} total={memTotal} />{' '}
                      <Sparkline values={u.memory.values()} width={60} height={14} title={`Memory of ${n.metadata.name}`} />{' '}
                      {formatBytes(mem)}/
                    </>
                  ) : (
                    ''
                  )}
                  {formatBytes(memTotal)}
                </td>
                <td>
                  {counts.data ? `${counts.data.byNode.get(n.metadata.name ?? '') ?? 0} / ` : ''}
                  {n.status?.allocatable?.pods}
                </td>
                <td>{n.status?.nodeInfo?.kubeletVersion}</td>
                <td className="muted">{formatAge(n.metadata.creationTimestamp, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {metrics.available === false ? (
        <div className="muted small" style={{ marginTop: 4 }}>
          Usage is shown when the cluster serves metrics.k8s.io.
        </div>
      ) : null}
      {may.ingresses !== false || may.httproutes ? (
        <AppUrlsCard gatewayApi={gatewayApi} ingresses={may.ingresses} httproutes={may.httproutes} gateways={may.gateways} />
      ) : null}
      {may.events !== false && <h3>Recent warnings</h3>}
      {warnings.error ? <div className="small tone-bad">{errorText(warnings.error)}</div> : null}
      {may.events === false ? null : !recent.length ? (
        <div className="muted small">{warnings.data ? 'No warnings.' : 'Loading…'}</div>
      ) : (
        <table className="mini" data-testid="warnings">
          <thead>
            <tr>
              <th>Age</th>
              <th>Object</th>
              <th>Reason</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {recent.map(({ e }) => (
              <tr key={e.metadata.uid}>
                <td className="muted">{formatAge(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp, now)}</td>
                <td>
                  {e.involvedObject?.kind}/{e.involvedObject?.name}
                </td>
                <td className="tone-warn">{e.reason}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
