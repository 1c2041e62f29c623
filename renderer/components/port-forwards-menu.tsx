// The top bar's port-forwards button and the list it opens: every forward of the host with its
// local URL (opens in a new tab / the system browser), where it goes, its last error and Stop.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { PortForward } from '../../electron/host/protocol';
import { errorText } from '../k8s/errors';
import { createForwardsClient } from '../host/forwards-client';
import { useApp, useServices } from '../state/services';
import './port-forwards.css';
import { useDismiss } from './use-dismiss';

function ForwardRow({ f, stop }: { f: PortForward; stop(): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const target = f.kind === 'service' ? `svc/${f.name}:${f.remotePort} → pod ${f.pod}:${f.podPort}` : `pod/${f.name}:${f.podPort}`;
  return (
    <div className="pf-row" data-testid="pf-row" data-id={f.id} data-local-port={f.localPort} data-name={f.name} data-kind={f.kind}>
      <div>
        <a href={f.url} target="_blank" rel="noopener noreferrer" data-testid="pf-link">
          {f.url}
        </a>
        <div className="small muted" title={`profile ${f.profile}`}>
          {f.namespace}/{target}
          {f.connections ? ` · ${f.connections} open` : ''}
        </div>
      </div>
      <button
        data-testid="pf-stop"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          stop().finally(() => setBusy(false));
        }}
      >
        Stop
      </button>
      {f.error && (
        <div className="pf-error" data-testid="pf-error" title={f.errorAt}>
          {f.error}
        </div>
      )}
    </div>
  );
}

export function PortForwardsMenu() {
  const { fetch } = useServices();
  const api = useMemo(() => createForwardsClient(fetch), [fetch]);
  const forwards = useApp((s) => s.forwards);
  const open = useApp((s) => s.forwardsOpen);
  const setOpen = useApp((s) => s.setForwardsOpen);
  const toast = useApp((s) => s.toast);
  const ref = useRef<HTMLDivElement>(null);
  const dismiss = useCallback(() => setOpen(false), [setOpen]);
  useDismiss(ref, open, dismiss);
  const stop = (f: PortForward) =>
    api.stop(f.id).then(
      () => toast(`Stopped forwarding ${f.url}`, 'ok'),
      (e) => toast(`Could not stop ${f.url}: ${errorText(e)}`, 'bad'),
    );
  return (
    <div className="pf-anchor" ref={ref}>
      <button
        className="ghost"
        data-testid="port-forwards-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title="Port-forwards"
      >
        ⇄ Forwards{forwards.length > 0 && <span className="pf-count">{forwards.length}</span>}
      </button>
      {open && (
        <div className="pf-panel" data-testid="port-forwards" role="dialog" aria-label="Port-forwards">
          <h3>Port-forwards</h3>
          {forwards.length === 0 ? (
            <div className="muted small" style={{ padding: '4px 8px' }}>
              None yet. Open a pod or a service and click Port-forward.
            </div>
          ) : (
            forwards.map((f) => <ForwardRow key={f.id} f={f} stop={() => stop(f)} />)
          )}
        </div>
      )}
    </div>
  );
}
