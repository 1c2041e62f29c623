// A local cluster's menu in the sidebar: start/restart, stop, add a machine, copy kubeconfig,
// the app's "restart clusters that crash" setting, delete (confirmed).
import { useState } from 'react';
import type { LocalCluster } from '../../electron/host/protocol';
import { errorText } from '../k8s/errors';
import { localProfile } from '../state/app-store';
import { useApp, useServices } from '../state/services';
import { AddMachineDialog } from './add-machine-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { CrashRestartMenuItem } from './crash-restart-toggle';
import { copiedText, copyKubeconfig } from './profiles/copy-kubeconfig';
import { PopupMenu } from './profiles/popup-menu';

export function ClusterMenu({ cluster }: { cluster: LocalCluster }) {
  const { host } = useServices();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [addMachine, setAddMachine] = useState(false);
  const clusterAction = useApp((s) => s.clusterAction);
  const deleteCluster = useApp((s) => s.deleteCluster);
  const toast = useApp((s) => s.toast);
  const busy = cluster.state === 'starting' || cluster.state === 'stopping';
  const profile = localProfile(cluster);
  const copy = () =>
    copyKubeconfig(host, profile, window).then(
      (how) => toast(copiedText(profile, how)),
      (e) => toast(`Could not copy the kubeconfig of ${cluster.name}: ${errorText(e)}`, 'bad'),
    );
  return (
    <>
      <PopupMenu testId={`cluster-menu-${cluster.name}`} label={`Menu of cluster ${cluster.name}`}>
        {(close) => {
          const act = (a: 'start' | 'stop' | 'restart') => {
            close();
            clusterAction(cluster.name, a);
          };
          return (
            <>
              {cluster.state === 'running' ? (
                <button data-testid="cluster-restart" onClick={() => act('restart')}>
                  Restart
                </button>
              ) : (
                <button data-testid="cluster-start" disabled={busy} onClick={() => act('start')}>
                  Start
                </button>
              )}
              <button
                data-testid="cluster-stop"
                disabled={cluster.state === 'stopped' || cluster.state === 'stopping'}
                onClick={() => act('stop')}
              >
                Stop
              </button>
              <button
                data-testid="cluster-add-machine"
                disabled={cluster.state !== 'running'}
                title={cluster.state !== 'running' ? 'Start the cluster first' : undefined}
                onClick={() => {
                  close();
                  setAddMachine(true);
                }}
              >
                Add a machine…
              </button>
              <button
                data-testid="copy-kubeconfig"
                onClick={() => {
                  close();
                  copy();
                }}
              >
                Copy kubeconfig
              </button>
              <CrashRestartMenuItem close={close} />
              <button
                data-testid="cluster-delete"
                className="danger"
                onClick={() => {
                  close();
                  setConfirmDelete(true);
                }}
              >
                Delete…
              </button>
            </>
          );
        }}
      </PopupMenu>
      {addMachine && <AddMachineDialog cluster={cluster.name} onClose={() => setAddMachine(false)} />}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete cluster ${cluster.name}?`}
          confirmLabel="Delete cluster"
          danger
          onClose={() => setConfirmDelete(false)}
          onConfirm={() => deleteCluster(cluster.name)}
        >
          This stops the cluster and removes its data: every object, volume and certificate, and its own kubeconfig.{' '}
          {cluster.kubeconfigs?.length ? (
            <>
              Its context <code>{cluster.profile}</code> is removed from{' '}
              {cluster.kubeconfigs.map((f, i) => (
                <span key={f}>
                  {i ? ', ' : ''}
                  <code>{f}</code>
                </span>
              ))}{' '}
              too.
            </>
          ) : (
            <>Your kubeconfig files are not touched: the app never wrote this cluster into them.</>
          )}{' '}
          This cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
