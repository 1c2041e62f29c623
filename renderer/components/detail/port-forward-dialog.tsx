// Port-forward from a pod or a service: pick the port (from the spec, or type one), a local
// port or "auto", start. The host listens on 127.0.0.1; the list in the top bar shows it.
import { useMemo, useState } from 'react';
import type { KubeObject } from '../../k8s/types';
import { createForwardsClient } from '../../host/forwards-client';
import { useApp, useServices } from '../../state/services';
import { ConfirmDialog } from '../confirm-dialog';

export interface PortChoice {
  value: number;
  label: string;
}

/** TCP ports a pod's containers declare. */
export function podPortChoices(pod: KubeObject): PortChoice[] {
  return (pod.spec?.containers ?? []).flatMap((c: any) =>
    (c.ports ?? [])
      .filter((p: any) => (p.protocol ?? 'TCP') === 'TCP')
      .map((p: any) => ({ value: p.containerPort, label: `${p.containerPort}${p.name ? ` (${p.name})` : ''} · ${c.name}` })),
  );
}

/** A service's TCP ports, with where they go. */
export function servicePortChoices(svc: KubeObject): PortChoice[] {
  return (svc.spec?.ports ?? [])
    .filter((p: any) => (p.protocol ?? 'TCP') === 'TCP')
    .map((p: any) => ({ value: p.port, label: `${p.port}${p.name ? ` (${p.name})` : ''} → ${p.targetPort ?? p.port}` }));
}

/** '' or 'auto' → undefined (any free port); else a port number, or NaN when invalid. */
export function parseLocalPort(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'auto') return undefined;
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  return n >= 1 && n <= 65535 ? n : NaN;
}

export function PortForwardDialog(p: { kind: 'pod' | 'service'; namespace: string; name: string; ports: PortChoice[]; onClose(): void }) {
  const { fetch } = useServices();
  const api = useMemo(() => createForwardsClient(fetch), [fetch]);
  const profile = useApp((s) => s.profile)!;
  const toast = useApp((s) => s.toast);
  const showForwards = useApp((s) => s.setForwardsOpen);
  const [remote, setRemote] = useState(p.ports[0] ? String(p.ports[0].value) : '');
  const [local, setLocal] = useState('');
  const localPort = parseLocalPort(local);
  const remoteOk = /^\d+$/.test(remote.trim())
    ? Number(remote) >= 1 && Number(remote) <= 65535
    : /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(remote.trim());
  const invalid = Number.isNaN(localPort) || !remoteOk;
  return (
    <ConfirmDialog
      title={`Port-forward ${p.kind} ${p.name}`}
      confirmLabel="Start forwarding"
      invalid={invalid}
      onClose={p.onClose}
      onConfirm={async () => {
        const r = remote.trim();
        const f = await api.start({
          profile,
          namespace: p.namespace,
          kind: p.kind,
          name: p.name,
          remotePort: /^\d+$/.test(r) ? Number(r) : r,
          localPort,
        });
        toast(`Forwarding ${f.url} → ${p.kind} ${p.name}:${f.remotePort}`, 'ok');
        showForwards(true);
      }}
    >
      <div className="form-grid" data-testid="pf-dialog">
        <label htmlFor="pf-remote">{p.kind === 'pod' ? 'Pod port' : 'Service port'}</label>
        {p.ports.length ? (
          <select id="pf-remote" data-testid="pf-remote-port" value={remote} onChange={(e) => setRemote(e.target.value)}>
            {p.ports.map((c) => (
              <option key={`${c.value}|${c.label}`} value={String(c.value)}>
                {c.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            id="pf-remote"
            data-testid="pf-remote-port"
            placeholder="port number or name"
            value={remote}
            onChange={(e) => setRemote(e.target.value)}
            autoFocus
          />
        )}
        <label htmlFor="pf-local">Local port</label>
        <input id="pf-local" data-testid="pf-local-port" placeholder="auto" value={local} onChange={(e) => setLocal(e.target.value)} />
      </div>
      <div className="muted small">
        {Number.isNaN(localPort) ? (
          <span className="tone-bad">The local port must be a number from 1 to 65535, or empty for any free port.</span>
        ) : !remoteOk ? (
          <span className="tone-bad">Give the {p.kind === 'pod' ? "pod's" : "service's"} port as a number or a port name.</span>
        ) : (
          `Skiff listens on 127.0.0.1:${localPort ?? '<free port>'} and carries each connection to the ${p.kind === 'pod' ? 'pod' : 'service\u2019s pod'} through the cluster's API server.`
        )}
      </div>
    </ConfirmDialog>
  );
}
