// Editing a profile's namespace allow-list: the namespaces offered when its user may not list
// them (403). Stored by the host per profile; the kubeconfig is not touched.
import { useState } from 'react';
import { useApp, useServices } from '../../state/services';
import { ConfirmDialog } from '../confirm-dialog';
import { parseNamespaceList } from './allowed-namespaces';

export function AllowedNamespacesDialog({
  profile,
  onClose,
  onSaved,
}: {
  profile: string;
  onClose(): void;
  onSaved?(names: string[]): void;
}) {
  const { host } = useServices();
  // Select the stored array itself: a new [] per call would re-render forever.
  const current = useApp((s) => s.profiles.find((p) => p.name === profile)?.allowedNamespaces);
  const updateProfile = useApp((s) => s.updateProfile);
  const [text, setText] = useState((current ?? []).join('\n'));
  const parsed = parseNamespaceList(text);
  return (
    <ConfirmDialog
      title={`Allowed namespaces of ${profile}`}
      confirmLabel="Save"
      invalid={'problem' in parsed}
      onClose={onClose}
      onConfirm={async () => {
        if ('problem' in parsed) return;
        await updateProfile(() => host.setAllowedNamespaces(profile, parsed.namespaces));
        onSaved?.(parsed.namespaces);
      }}
    >
      <div className="muted small">
        When this profile's user may not list namespaces, the namespace picker offers these (and the context's own namespace). One per line,
        or separated by commas.
      </div>
      <textarea
        data-testid="allowed-namespaces"
        className="mono"
        rows={6}
        style={{ width: '100%', marginTop: 8 }}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        placeholder={'team-a\nteam-a-staging'}
      />
      {'problem' in parsed && <div className="small tone-bad">{parsed.problem}</div>}
    </ConfirmDialog>
  );
}
