// A modal asking to confirm (destructive) actions; shows the action's error instead of closing.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../k8s/errors';
import { useFocusTrap } from './use-focus-trap';

export interface ConfirmDialogProps {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Disables the confirm button (e.g. invalid input in the body). */
  invalid?: boolean;
  onConfirm(): Promise<unknown> | unknown;
  onClose(): void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(box);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) p.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, p]);
  const confirm = async () => {
    setBusy(true);
    setError('');
    try {
      await p.onConfirm();
      p.onClose();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) p.onClose();
      }}
    >
      <div
        className="dialog"
        ref={box}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="confirm-dialog"
        onKeyDown={(e) => {
          // Enter confirms, except on a button (it has its own) and in a multi-line text box (a new line).
          const tag = (e.target as HTMLElement).tagName;
          if (e.key === 'Enter' && !busy && !p.invalid && tag !== 'BUTTON' && tag !== 'TEXTAREA') confirm();
        }}
      >
        <h2 id={titleId}>{p.title}</h2>
        <div style={{ marginTop: 10 }}>{p.children}</div>
        {error && (
          <div className="notice bad" role="alert">
            {error}
          </div>
        )}
        <div className="buttons">
          <button onClick={p.onClose} disabled={busy}>
            Cancel
          </button>
          <button
            data-testid="confirm-button"
            className={p.danger ? 'danger primary' : 'primary'}
            onClick={confirm}
            disabled={busy || p.invalid}
            autoFocus
          >
            {busy ? 'Working…' : p.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
