// A pod: containers (state, ready, restarts, image, ports, probes), volumes; Logs, Shell and Port-forward.
import { useState } from 'react';
import type { KubeObject } from '../../k8s/types';
import { statusTone } from '../../k8s/status-tone';
import { formatAge } from '../../k8s/age';
import type { KubeEvent } from '../../k8s/events';
import { podWhy } from '../../k8s/pod-why';
import { podLogsTab, podShellTab } from '../../dock/pod-tabs';
import { useApp } from '../../state/services';
import { useNow } from '../../state/use-now';
import { accessQuery } from '../../k8s/access';
import { wellKnown } from '../../k8s/resources';
import { guard, useAccessList } from '../../state/use-access';
import { PortForwardDialog, podPortChoices } from './port-forward-dialog';
import { PodUsage, cpuText, memText, usePodSeries } from './usage-charts';

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, any>;
  lastState?: Record<string, any>;
}

export function containerState(st?: ContainerStatus, now = Date.now()): { text: string; tone?: string } {
  const s = st?.state ?? {};
  if (s.running) return { text: `Running (${formatAge(s.running.startedAt, now)})`, tone: 'ok' };
  if (s.waiting) return { text: s.waiting.reason ?? 'Waiting', tone: statusTone(s.waiting.reason ?? 'Pending') ?? 'warn' };
  if (s.terminated)
    return {
      text: `${s.terminated.reason ?? 'Terminated'} (exit ${s.terminated.exitCode})`,
      tone: s.terminated.exitCode === 0 ? 'ok' : 'bad',
    };
  return { text: 'Unknown', tone: 'warn' };
}

function probe(p: any): string {
  if (!p) return '';
  const how = p.httpGet
    ? `http ${p.httpGet.path ?? '/'}:${p.httpGet.port}`
    : p.tcpSocket
      ? `tcp :${p.tcpSocket.port}`
      : p.exec
        ? `exec ${(p.exec.command ?? []).join(' ')}`
        : p.grpc
          ? `grpc :${p.grpc.port}`
          : '?';
  return `${how} every ${p.periodSeconds ?? 10}s`;
}

export function PodActions({ pod }: { pod: KubeObject }) {
  const profile = useApp((s) => s.profile)!;
  const openTab = useApp((s) => s.openTab);
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  const [forwarding, setForwarding] = useState(false);
  const running = pod.status?.phase === 'Running';
  const [logs, exec, forward] = useAccessList([
    accessQuery(wellKnown.pods, 'get', ns, name, 'log'),
    accessQuery(wellKnown.pods, 'create', ns, name, 'exec'),
    accessQuery(wellKnown.pods, 'create', ns, name, 'portforward'),
  ]);
  const notRunning = { disabled: !running, title: running ? undefined : 'The pod is not running' };
  return (
    <>
      <button data-testid="action-logs" {...guard(logs)} onClick={() => openTab(podLogsTab(profile, pod))}>
        Logs
      </button>
      <button data-testid="action-shell" {...guard(exec, notRunning)} onClick={() => openTab(podShellTab(profile, pod))}>
        Shell
      </button>
      <button
        data-testid="action-port-forward"
        {...guard(forward, { disabled: !running, title: running ? 'Forward a local port to this pod' : 'The pod is not running' })}
        onClick={() => setForwarding(true)}
      >
        Port-forward
      </button>
      {forwarding && (
        <PortForwardDialog kind="pod" namespace={ns} name={name} ports={podPortChoices(pod)} onClose={() => setForwarding(false)} />
      )}
    </>
  );
}

export function PodSection({ pod, events = [] }: { pod: KubeObject; events?: KubeEvent[] }) {
  const now = useNow();
  const why = podWhy(pod, events);
  const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const phase = pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown');
  const usage = usePodSeries(pod);
  const containerUsage = new Map((usage?.containers ?? []).map((c) => [c.name, c]));
  return (
    <section data-testid="pod-section">
      {why && (
        <div className={`notice ${why.tone}`} data-testid="pod-why" data-reason={why.reason} role="status">
          <strong>{why.reason}:</strong> {why.message}
        </div>
      )}
      <h3>Pod</h3>
      <div className="kv">
        <span>Phase</span>
        <span className={`tone-${statusTone(phase) ?? ''}`}>
          {phase}
          {pod.status?.reason ? ` (${pod.status.reason})` : ''}
        </span>
        <span>Node</span>
        <span>{pod.spec?.nodeName ?? <span className="muted">not scheduled</span>}</span>
        <span>Pod IP</span>
        <span className="mono">{pod.status?.podIP ?? '—'}</span>
        <span>QoS</span>
        <span>{pod.status?.qosClass ?? '—'}</span>
        {pod.status?.message && (
          <>
            <span>Message</span>
            <span>{pod.status.message}</span>
          </>
        )}
      </div>
      <PodUsage series={usage} name={pod.metadata.name ?? ''} />
      <h3>Containers</h3>
      {(pod.spec?.containers ?? []).map((c: any) => {
        const st = byName.get(c.name);
        const state = containerState(st, now);
        const u = containerUsage.get(c.name);
        return (
          <div className="card" key={c.name} data-testid="container">
            <div className="row-flex">
              <strong>{c.name}</strong>
              <span className={`tone-${state.tone ?? ''}`}>{state.text}</span>
              <span className="spacer" />
              <span className={st?.ready ? 'tone-ok' : 'tone-warn'}>{st?.ready ? 'ready' : 'not ready'}</span>
              <span className="muted">restarts {st?.restartCount ?? 0}</span>
            </div>
            <div className="kv small" style={{ marginTop: 6 }}>
              <span>Image</span>
              <span className="mono">{c.image}</span>
              {u && (
                <>
                  <span>Usage</span>
                  <span data-testid="container-usage">
                    CPU {cpuText(u.cpu)} · memory {memText(u.memory)}
                  </span>
                </>
              )}
              {c.command && (
                <>
                  <span>Command</span>
                  <span className="mono">{[...c.command, ...(c.args ?? [])].join(' ')}</span>
                </>
              )}
              {!!c.ports?.length && (
                <>
                  <span>Ports</span>
                  <span>
                    {c.ports.map((p: any) => `${p.name ? p.name + ' ' : ''}${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ')}
                  </span>
                </>
              )}
              {c.livenessProbe && (
                <>
                  <span>Liveness</span>
                  <span>{probe(c.livenessProbe)}</span>
                </>
              )}
              {c.readinessProbe && (
                <>
                  <span>Readiness</span>
                  <span>{probe(c.readinessProbe)}</span>
                </>
              )}
              {c.startupProbe && (
                <>
                  <span>Startup</span>
                  <span>{probe(c.startupProbe)}</span>
                </>
              )}
              {st?.lastState?.terminated && (
                <>
                  <span>Last exit</span>
                  <span>
                    {st.lastState.terminated.reason} (code {st.lastState.terminated.exitCode}){' '}
                    {formatAge(st.lastState.terminated.finishedAt, now)} ago
                  </span>
                </>
              )}
              {!!c.volumeMounts?.length && (
                <>
                  <span>Mounts</span>
                  <span>{c.volumeMounts.map((m: any) => `${m.name} → ${m.mountPath}${m.readOnly ? ' (ro)' : ''}`).join(', ')}</span>
                </>
              )}
            </div>
          </div>
        );
      })}
      {!!pod.spec?.volumes?.length && (
        <>
          <h3>Volumes</h3>
          <table className="mini">
            <tbody>
              {pod.spec.volumes.map((v: any) => {
                const type = Object.keys(v).find((k) => k !== 'name') ?? '';
                const src = v[type] ?? {};
                const detail = src.claimName ?? src.name ?? src.secretName ?? src.path ?? src.medium ?? '';
                return (
                  <tr key={v.name}>
                    <td>{v.name}</td>
                    <td className="muted">{type}</td>
                    <td className="mono">{String(detail)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
