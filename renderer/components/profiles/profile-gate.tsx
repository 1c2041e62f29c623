// In front of the views of a selected kubeconfig profile that cannot be used right now: why
// (unreachable, needs exec consent, a broken kubeconfig entry) and what to do ("Check again",
// "Review and allow…"). Other profiles are not affected; a ready profile shows its views as is.
import { useEffect, useState, type ReactNode } from 'react';
import { localProfile } from '../../state/app-store';
import { useApp } from '../../state/services';
import { useCheckProfile } from './use-check-profile';
import { needsConsent } from './consent-view';

export function ProfileGate({ children }: { children: ReactNode }) {
  const profile = useApp((s) => s.profile);
  const p = useApp((s) => s.profiles.find((x) => x.name === s.profile));
  const isLocal = useApp((s) => Object.values(s.clusters).some((c) => localProfile(c) === s.profile));
  const askConsent = useApp((s) => s.askConsent);
  const check = useCheckProfile();
  const [busy, setBusy] = useState(false);
  const [anyway, setAnyway] = useState(false);
  useEffect(() => setAnyway(false), [profile]);
  if (!profile || isLocal || p?.source === 'local') return <>{children}</>;

  const again = async () => {
    setBusy(true);
    await check(profile);
    setBusy(false);
  };
  const banner = (tone: string, body: ReactNode, actions: ReactNode) => (
    <div className={`notice ${tone}`} data-testid="profile-down" data-status={p?.status ?? 'gone'} style={{ margin: '8px 12px' }}>
      <div className="row-flex" style={{ alignItems: 'flex-start' }}>
        <div style={{ minWidth: 0, overflowWrap: 'anywhere' }}>{body}</div>
        <span className="spacer" />
        {actions}
      </div>
    </div>
  );

  if (!p) {
    return banner(
      'bad',
      <>
        Profile <strong>{profile}</strong> is no longer in any imported kubeconfig: its context was removed, or its file moved. Pick another
        cluster on the left.
      </>,
      null,
    );
  }
  if (p.error) {
    return banner(
      'bad',
      <>
        Profile <strong>{p.name}</strong> cannot be used: <span data-testid="profile-down-reason">{p.error}</span>
        {p.file && <div className="muted small mono">{p.file}</div>}
      </>,
      null,
    );
  }
  if (needsConsent(p)) {
    return banner(
      '',
      p.exec ? (
        <>
          Profile <strong>{p.name}</strong> gets its credentials by running <code>{p.exec.command}</code>. Nothing runs until you allow it.
        </>
      ) : (
        <>
          Profile <strong>{p.name}</strong> reads credential files outside its kubeconfig's folder (
          {p.consent?.files.map((f) => f.path).join(', ')}). Nothing is read until you allow it.
        </>
      ),
      <button className="primary" data-testid="profile-consent-open" onClick={() => askConsent(p.name)}>
        Review and allow…
      </button>,
    );
  }
  const checkButton = (
    <button className="primary" data-testid="profile-check-again" disabled={busy} onClick={again}>
      {busy ? 'Checking…' : 'Check again'}
    </button>
  );
  if (p.status === 'unreachable' && !anyway) {
    return banner(
      'bad',
      <>
        Cannot reach <strong>{p.name}</strong>
        {p.server ? (
          <>
            {' '}
            at <code>{p.server}</code>
          </>
        ) : null}
        : <span data-testid="profile-down-reason">{p.reason ?? 'no answer'}</span>
        {p.checkedAt && (
          <div className="muted small">Checked {new Date(p.checkedAt).toLocaleTimeString()}. Other clusters are not affected.</div>
        )}
      </>,
      <>
        {checkButton}
        <button data-testid="profile-show-anyway" onClick={() => setAnyway(true)}>
          Show anyway
        </button>
      </>,
    );
  }
  return (
    <>
      {p.status === 'unreachable' &&
        banner(
          'bad',
          <>
            Cannot reach <strong>{p.name}</strong>: {p.reason ?? 'no answer'}
          </>,
          checkButton,
        )}
      {children}
    </>
  );
}
