// A "⋯" button that opens a small menu; a click elsewhere or Escape closes it.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { useDismiss } from '../use-dismiss';

export interface PopupMenuProps {
  testId: string;
  label: string;
  /** The menu's items; call close() from their handlers. */
  children(close: () => void): ReactNode;
}

export function PopupMenu({ testId, label, children }: PopupMenuProps) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const dismiss = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, dismiss);
  return (
    <div ref={ref} style={{ position: 'relative' }}>
      <button
        className="ghost"
        data-testid={testId}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <div className="menu" role="menu" style={{ right: 0, top: 24 }}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
