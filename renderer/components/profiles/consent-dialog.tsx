// Consent for a kubeconfig profile's credentials: a program they run (an exec plugin or an
// auth-provider's cmd-path) and credential files read from outside the kubeconfig's folder, and
// where the credentials then go (server, CA with its certificates' fingerprints, TLS name,
// proxy). Shows exactly what the host binds the consent to (consent-view.ts); Allow sends that
// same description back, so the host refuses when the kubeconfig changed in between.
import { useEffect, useRef, useState } from 'react';
import { useFocusTrap } from '../use-focus-trap';
import { errorText } from '../../k8s/errors';
import { useApp, useServices } from '../../state/services';
import { consentRequest, consentView, needsConsent } from './consent-view';

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
  const waiting = needsConsent(p);
  const close = () => {
    if (!busy) askConsent(undefined);
  };
  useEffect(() => {
    // Gone, or allowed meanwhile (another window, the CLI): nothing to ask.
    if (!busy && !waiting) askConsent(undefined);
  }, [waiting, busy, askConsent]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const v = p && consentView(p);
  if (!p || !v) return null;
  const exec = v.runs;

  const allow = async () => {
    setBusy(true);
    setError('');
    try {
      await updateProfile(() => host.allowExec(profile, consentRequest(p)));
      setBusy(false);
      askConsent(undefined);
      loadDiscovery(profile, true);
      toast(exec ? `Allowed ${exec.command} for profile ${profile}` : `Allowed profile ${profile} to read its credential files`);
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
        <h2 id="consent-title">{v.title}</h2>
        <p className="muted small">
          {v.why}
          {exec && (exec.via === 'auth-provider' ? ' The command is an auth-provider command, run through a shell.' : '')}
        </p>
        <div className="kv consent-kv">
          {exec && (
            <>
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
                {exec.envNames.length ? (
                  exec.envNames.map((name) => (
                    <code key={name} className="chip">
                      {name}
                    </code>
                  ))
                ) : (
                  <span className="muted">nothing added</span>
                )}
                {exec.envNames.length > 0 && <div className="muted small">Names only: values may be secrets.</div>}
              </span>
            </>
          )}
          <span>Files read</span>
          <span data-testid="consent-files">
            {v.files.length ? (
              v.files.map((f) => (
                <div key={`${f.field}:${f.path}`} data-testid="consent-file">
                  <code className="mono small">{f.path}</code> <span className="muted small">{f.label}</span>
                </div>
              ))
            ) : (
              <span className="muted">none outside the kubeconfig's own folder</span>
            )}
          </span>
          <span>Sent to</span>
          <code data-testid="consent-server">{v.server || '(no server)'}</code>
          <span>Server verified by</span>
          <span data-testid="consent-ca">
            <span>{v.caText}</span>
            {v.caCertificates.map((c) => (
              <div key={c.sha256} className="small" data-testid="consent-ca-cert">
                <span>{c.subject}</span>
                <div className="mono small" data-testid="consent-ca-fingerprint" style={{ wordBreak: 'break-all' }}>
                  SHA-256 {c.sha256}
                </div>
                <span className="muted small">valid until {c.notAfter.slice(0, 10)}</span>
              </div>
            ))}
          </span>
          {v.tlsServerName && (
            <>
              <span>TLS server name</span>
              <code data-testid="consent-tls-name">{v.tlsServerName}</code>
            </>
          )}
          {v.proxyUrl && (
            <>
              <span>Through proxy</span>
              <code data-testid="consent-proxy">{v.proxyUrl}</code>
            </>
          )}
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
        {v.warnings.map((w) => (
          <div key={w} className="notice bad small" data-testid="consent-warning">
            {w}
          </div>
        ))}
        {exec?.installHint && (
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
