// Short confirmations and errors in the corner.
import { useApp } from '../state/services';

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.tone}`} data-testid="toast" data-tone={t.tone} role={t.tone === 'bad' ? 'alert' : 'status'}>
          <span style={{ flex: 1 }}>{t.text}</span>
          <button className="ghost" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
