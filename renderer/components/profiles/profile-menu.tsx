// A kubeconfig profile's menu: check again, copy its kubeconfig, exec consent, allowed
// namespaces, and remove (hides the context; the file itself is never changed).
import { useState } from 'react';
import type { ProfileSummary } from '../../../electron/host/protocol';
import { errorText } from '../../k8s/errors';
import { useApp, useServices } from '../../state/services';
import { ConfirmDialog } from '../confirm-dialog';
import { AllowedNamespacesDialog } from './allowed-namespaces-dialog';
import { copiedText, copyKubeconfig } from './copy-kubeconfig';
import { PopupMenu } from './popup-menu';
import { useCheckProfile } from './use-check-profile';
import { needsConsent } from './consent-view';

export function ProfileMenu({ p }: { p: ProfileSummary }) {
  const { host } = useServices();
  const toast = useApp((s) => s.toast);
  const askConsent = useApp((s) => s.askConsent);
  const updateProfile = useApp((s) => s.updateProfile);
  const [dialog, setDialog] = useState<'remove' | 'namespaces' | 'revoke'>();
  const check = useCheckProfile();
  const copy = () =>
    copyKubeconfig(host, p.name, window).then(
      (how) => toast(copiedText(p.name, how)),
      (e) => toast(`Could not copy the kubeconfig of ${p.name}: ${errorText(e)}`, 'bad'),
    );
  return (
    <>
      <PopupMenu testId={`profile-menu-${p.name}`} label={`Menu of profile ${p.name}`}>
        {(close) => (
          <>
            <button
              data-testid="profile-check"
              disabled={!!p.error}
              onClick={() => {
                close();
                check(p.name);
              }}
            >
              Check again
            </button>
            <button
              data-testid="copy-kubeconfig"
              disabled={!!p.error}
              onClick={() => {
                close();
                copy();
              }}
            >
              Copy kubeconfig
            </button>
            {needsConsent(p) && (
              <button
                data-testid="profile-consent"
                onClick={() => {
                  close();
                  askConsent(p.name);
                }}
              >
                {p.exec ? 'Allow its command…' : 'Allow its credential files…'}
              </button>
            )}
            {(p.consent?.consented ?? p.exec?.consented) && (
              <button
                data-testid="profile-revoke"
                onClick={() => {
                  close();
                  setDialog('revoke');
                }}
              >
                Withdraw consent…
              </button>
            )}
            <button
              data-testid="profile-namespaces"
              onClick={() => {
                close();
                setDialog('namespaces');
              }}
            >
              Allowed namespaces…
            </button>
            <button
              data-testid="profile-remove"
              className="danger"
              onClick={() => {
                close();
                setDialog('remove');
              }}
            >
              Remove…
            </button>
          </>
        )}
      </PopupMenu>
      {dialog === 'namespaces' && <AllowedNamespacesDialog profile={p.name} onClose={() => setDialog(undefined)} />}
      {dialog === 'revoke' && p.exec && (
        <ConfirmDialog
          title={`Withdraw consent for ${p.name}?`}
          confirmLabel="Withdraw"
          onClose={() => setDialog(undefined)}
          onConfirm={() => updateProfile(() => host.revokeExec(p.name))}
        >
          Skiff will not run <code>{p.exec.command}</code> for this profile again until you allow it.
        </ConfirmDialog>
      )}
      {dialog === 'remove' && (
        <ConfirmDialog
          title={`Remove profile ${p.name}?`}
          confirmLabel="Remove"
          danger
          onClose={() => setDialog(undefined)}
          onConfirm={async () => {
            const r = await host.removeProfile(p.name);
            toast(r.removed === 'source' ? `Removed ${p.name} and its source` : `Hid ${p.name}; import the file again to show it`);
          }}
        >
          Skiff stops showing the context <code>{p.context ?? p.name}</code>
          {p.file ? (
            <>
              {' '}
              of <code>{p.file}</code>
            </>
          ) : null}
          . The file itself is not changed.
        </ConfirmDialog>
      )}
    </>
  );
}
