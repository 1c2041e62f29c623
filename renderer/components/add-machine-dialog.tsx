// "Add a machine" on a local cluster (issue 15): the host makes a bootstrap token, as
// `skiff token create --print-join-command` does, and this shows the `skiff join` command to
// run on the other machine, a copy button and when the token expires.
import { useEffect, useRef, useState } from 'react';
import type { JoinCommand } from '../../electron/host/protocol';
import { hostErrorMessage } from '../host/host-client';
import { errorText } from '../k8s/errors';
import { useServices } from '../state/services';
import { useFocusTrap } from './use-focus-trap';

export function AddMachineDialog({ cluster, onClose }: { cluster: string; onClose: () => void }) {
  const { fetch, store } = useServices();
  const toast = (text: string, tone?: 'ok' | 'bad') => store.getState().toast(text, tone);
  const [join, setJoin] = useState<JoinCommand | undefined>();
  const [error, setError] = useState('');
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box);
  useEffect(() => {
    let live = true;
    const path = `/api/clusters/${encodeURIComponent(cluster)}/join-command`;
    fetch(path, { method: 'POST', headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(async (res) => {
        const body = (await res.json().catch(() => undefined)) as unknown;
        if (!res.ok) throw hostErrorMessage(res.status, body, `POST ${path}`);
        if (live) setJoin(body as JoinCommand);
      })
      .catch((e) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [cluster, fetch]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const copy = async () => {
    if (!join) return;
    try {
      await navigator.clipboard.writeText(join.command);
      toast('Join command copied');
    } catch {
      toast('Could not copy: select the command and copy it yourself', 'bad');
    }
  };
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog wide"
        ref={box}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby="add-machine-title"
        data-testid="add-machine-dialog"
      >
        <h2 id="add-machine-title">Add a machine to {cluster}</h2>
        <p className="muted small">
          Run this on the other machine (Skiff and Docker installed there). It joins as a node of this cluster with its own certificate; the
          token in it works until it expires or is deleted (<code>skiff token delete {join?.tokenId ?? 'ID'}</code>).
        </p>
        {!join && !error && <div className="muted">Making a join token…</div>}
        {error && (
          <div className="notice bad" role="alert" data-testid="add-machine-error">
            {error}
          </div>
        )}
        {join && (
          <>
            <pre className="code-block" data-testid="join-command" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {join.command}
            </pre>
            <div className="muted small" data-testid="join-expires">
              {join.expires
                ? `The token expires ${new Date(join.expires).toLocaleString()} (${join.expires}).`
                : 'The token never expires: delete it when the machine has joined.'}
            </div>
            {join.warning && (
              <div className="notice small" data-testid="join-warning">
                {join.warning}
              </div>
            )}
          </>
        )}
        <div className="buttons">
          <button onClick={onClose} data-testid="add-machine-close">
            Close
          </button>
          <button className="primary" data-testid="join-copy" disabled={!join} onClick={() => void copy()} autoFocus>
            Copy command
          </button>
        </div>
      </div>
    </div>
  );
}
