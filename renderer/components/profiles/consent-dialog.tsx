// Exec consent: a profile's credentials run a program on this computer (an exec plugin or an
// auth-provider's cmd-path). Shows exactly what would run; Allow sends that same command back,
// so the host can refuse when the kubeconfig changed in between.
import { useEffect, useRef, useState } from 'react';
import { useFocusTrap } from '../use-focus-trap';
import { errorText } from '../../k8s/errors';
import { useApp, useServices } from '../../state/services';

export function ConsentDialog({ profile }: { profile: string }) {
  const { host } = useServices();
  const p = useApp((s) => s.profiles.find((x) => x.name === profile));
  const askConsent = useApp((s) => s.askConsent);
  const updateProfile = useApp((s) => s.updateProfile);
  const loadDiscovery = useApp((s) => s.loadDiscovery);
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box);
  const exec = p?.exec;
  const close = () => {
    if (!busy) askConsent(undefined);
  };
  useEffect(() => {
    // Gone, or allowed meanwhile (another window, the CLI): nothing to ask.
    if (!busy && (!exec || exec.consented)) askConsent(undefined);
  }, [exec, busy, askConsent]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  if (!p || !exec) return null;

  const allow = async () => {
    setBusy(true);
    setError('');
    try {
      const summary = await host.allowExec(profile, exec);
      updateProfile(summary);
      setBusy(false);
      askConsent(undefined);
      loadDiscovery(profile, true);
      toast(`Allowed ${exec.command} for profile ${profile}`);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="dialog wide"
        ref={box}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby="consent-title"
        data-testid="consent-dialog"
        data-profile={profile}
      >
        <h2 id="consent-title">Allow profile {profile} to run a command?</h2>
        <p className="muted small">
          Its kubeconfig gets credentials by running this program on this computer
          {exec.via === 'auth-provider' ? ' (an auth-provider command, run through a shell)' : ' (an exec plugin)'}. Skiff runs nothing
          until you allow it; your answer is remembered for this profile and this exact command.
        </p>
        <div className="kv consent-kv">
          <span>Command</span>
          <code data-testid="consent-command">{exec.command}</code>
          <span>Arguments</span>
          <span data-testid="consent-args">
            {exec.args.length ? (
              exec.args.map((a, i) => (
                <code key={i} className="chip">
                  {a}
                </code>
              ))
            ) : (
              <span className="muted">none</span>
            )}
          </span>
          <span>Environment</span>
          <span data-testid="consent-env">
            {exec.env.length ? (
              exec.env.map((e) => (
                <code key={e.name} className="chip">
                  {e.name}
                </code>
              ))
            ) : (
              <span className="muted">nothing added</span>
            )}
            {exec.env.length > 0 && <div className="muted small">Names only: values may be secrets.</div>}
          </span>
          {p.file && (
            <>
              <span>From</span>
              <span className="mono small">
                {p.file}
                {p.context && p.context !== p.name ? ` (context ${p.context})` : ''}
              </span>
            </>
          )}
        </div>
        {exec.installHint && (
          <div className="notice small" style={{ whiteSpace: 'pre-wrap' }}>
            {exec.installHint}
          </div>
        )}
        {error && (
          <div className="notice bad" role="alert" data-testid="consent-error">
            {error}
          </div>
        )}
        <div className="buttons">
          <button data-testid="consent-cancel" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button data-testid="consent-allow" className="primary" onClick={allow} disabled={busy} autoFocus>
            {busy ? 'Allowing…' : 'Allow'}
          </button>
        </div>
      </div>
    </div>
  );
}
