// A local cluster's menu in the sidebar: start/restart, stop, delete (confirmed).
import { useEffect, useRef, useState } from 'react';
import type { LocalCluster } from '../../electron/host/protocol';
import { useApp } from '../state/services';
import { ConfirmDialog } from './confirm-dialog';

export function ClusterMenu({ cluster }: { cluster: LocalCluster }) {
  const [open, setOpen] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const clusterAction = useApp((s) => s.clusterAction);
  const deleteCluster = useApp((s) => s.deleteCluster);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => { if (!ref.current?.contains(e.target as Node)) setOpen(false); };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const act = (a: 'start' | 'stop' | 'restart') => { setOpen(false); clusterAction(cluster.name, a); };
  const busy = cluster.state === 'starting' || cluster.state === 'stopping';
  return (
    <div ref={ref} style={{ position: 'relative' }}>
      <button className="ghost" data-testid={`cluster-menu-${cluster.name}`} aria-label={`Menu of cluster ${cluster.name}`} onClick={() => setOpen(!open)}>⋯</button>
      {open && (
        <div className="menu" role="menu" style={{ left: 0, top: 24 }}>
          {cluster.state === 'running'
            ? <button data-testid="cluster-restart" onClick={() => act('restart')}>Restart</button>
            : <button data-testid="cluster-start" disabled={busy} onClick={() => act('start')}>Start</button>}
          <button data-testid="cluster-stop" disabled={cluster.state === 'stopped' || cluster.state === 'stopping'} onClick={() => act('stop')}>Stop</button>
          <button data-testid="cluster-delete" className="danger" onClick={() => { setOpen(false); setConfirmDelete(true); }}>Delete…</button>
        </div>
      )}
      {confirmDelete && (
        <ConfirmDialog title={`Delete cluster ${cluster.name}?`} confirmLabel="Delete cluster" danger onClose={() => setConfirmDelete(false)}
          onConfirm={() => deleteCluster(cluster.name)}>
          This stops the cluster and removes its data: every object, volume and certificate. Its kubeconfig context <code>{cluster.profile}</code> is removed too. This cannot be undone.
        </ConfirmDialog>
      )}
    </div>
  );
}
