// "+ Import": a kubeconfig file or folder on this machine by path (read by reference and
// watched, or copied into Skiff), or pasted text. In the Electron window "Browse…" opens the
// native file dialog; in a browser a page cannot learn paths, so the path is typed (or files
// are dropped on the window, see drop-import.tsx).
import { useEffect, useRef, useState } from 'react';
import { useFocusTrap } from '../use-focus-trap';
import { errorText } from '../../k8s/errors';
import { useApp, useServices } from '../../state/services';
import { importedText } from './import-files';
import { importRequest, type ImportForm } from './import-request';
import { skiffNative } from './native';

export function ImportDialog({ onClose }: { onClose(): void }) {
  const { host } = useServices();
  const toast = useApp((s) => s.toast);
  const hasDefault = useApp((s) => s.profileSources.some((x) => x.kind === 'default'));
  const [form, setForm] = useState<ImportForm>({ tab: 'path', path: '', copy: false, text: '', label: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; hint?: string }>();
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box);
  const native = skiffNative(window);
  const set = (patch: Partial<ImportForm>) => {
    setForm({ ...form, ...patch });
    setError(undefined);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);

  const send = async (req = importRequest(form)) => {
    if ('problem' in req) return setError({ message: req.problem });
    setBusy(true);
    setError(undefined);
    try {
      const source = await host.addProfileSource(req.req);
      toast(importedText(source));
      onClose();
    } catch (e) {
      // The form keeps what was typed: fix and try again.
      setError({ message: (e as Error).message ?? errorText(e), hint: (e as { hint?: string }).hint });
      setBusy(false);
    }
  };
  const browse = async () => {
    try {
      const picked = await native?.openFile?.([
        { name: 'Kubeconfig', extensions: ['yaml', 'yml', 'json', 'conf', 'config', 'kubeconfig', '*'] },
      ]);
      if (picked?.length) set({ path: picked[0].path, tab: 'path' });
    } catch (e) {
      setError({ message: `The file dialog failed: ${errorText(e)}` });
    }
  };

  return (
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) onClose();
      }}
    >
      <div
        className="dialog wide"
        ref={box}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby="import-title"
        data-testid="import-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !busy && (e.target as HTMLElement).tagName === 'INPUT') send();
        }}
      >
        <h2 id="import-title">Import kubeconfig</h2>
        <div className="tabs" role="tablist">
          <button
            role="tab"
            aria-selected={form.tab === 'path'}
            className={form.tab === 'path' ? 'active' : ''}
            data-testid="import-tab-path"
            onClick={() => set({ tab: 'path' })}
          >
            File or folder
          </button>
          <button
            role="tab"
            aria-selected={form.tab === 'paste'}
            className={form.tab === 'paste' ? 'active' : ''}
            data-testid="import-tab-paste"
            onClick={() => set({ tab: 'paste' })}
          >
            Paste text
          </button>
        </div>
        {form.tab === 'path' ? (
          <div className="import-body">
            <label htmlFor="import-path" className="small muted">
              Path of a kubeconfig file, or a folder of them, on this machine
            </label>
            <div className="row-flex">
              <input
                id="import-path"
                data-testid="import-path"
                className="grow mono"
                value={form.path}
                autoFocus
                spellCheck={false}
                placeholder="/home/me/.kube/config"
                onChange={(e) => set({ path: e.target.value })}
              />
              {native?.openFile && (
                <button data-testid="import-browse" onClick={browse}>
                  Browse…
                </button>
              )}
            </div>
            <label className="row-flex small">
              <input type="checkbox" data-testid="import-copy" checked={form.copy} onChange={(e) => set({ copy: e.target.checked })} />
              Copy into Skiff (encrypted) instead of reading the file where it is
            </label>
            <div className="muted small">
              {form.copy
                ? 'A copy does not follow later edits of the file; its certificate and key files are copied in too.'
                : 'Read by reference and watched: contexts added, changed or removed in the file show up here at once. Skiff never writes to your files.'}
            </div>
          </div>
        ) : (
          <div className="import-body">
            <textarea
              data-testid="import-text"
              className="mono"
              rows={10}
              spellCheck={false}
              value={form.text}
              autoFocus
              placeholder={'apiVersion: v1\nkind: Config\nclusters: …'}
              onChange={(e) => set({ text: e.target.value })}
            />
            <input
              data-testid="import-label"
              value={form.label}
              placeholder="Name for it (optional)"
              onChange={(e) => set({ label: e.target.value })}
            />
            <div className="muted small">
              Stored in Skiff's data folder, encrypted. Certificate files it names by path are read from there.
            </div>
          </div>
        )}
        <div className="muted small" style={{ marginTop: 8 }}>
          You can also drop kubeconfig files anywhere on this window.
        </div>
        {error && (
          <div className="notice bad" role="alert" data-testid="import-error">
            {error.message}
            {error.hint ? <div className="muted small">{error.hint}</div> : null}
          </div>
        )}
        <div className="buttons">
          {!hasDefault && (
            <button className="link" data-testid="import-default" disabled={busy} onClick={() => send({ req: { default: true } })}>
              Read my default kubeconfig again
            </button>
          )}
          <span className="spacer" />
          <button onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button className="primary" data-testid="import-submit" onClick={() => send()} disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </div>
    </div>
  );
}
