// The namespace picker: the cluster's namespaces, or, when the profile's user may not list them
// (403), the host's allow-list (the context's namespace plus the ones the user added), with a
// way to edit that list.
import { useEffect, useMemo, useState } from 'react';
import type { ProfileNamespaces } from '../../../electron/host/protocol';
import { errorText } from '../../k8s/errors';
import { resourcePath, wellKnown } from '../../k8s/resources';
import { useApp, useK8s, useServices } from '../../state/services';
import { useLiveTable } from '../../state/use-live-table';
import { AllowedNamespacesDialog } from './allowed-namespaces-dialog';
import { namespaceChoices } from './namespace-choices';

export function NamespacePicker() {
  const { host } = useServices();
  const client = useK8s();
  const profile = useApp((s) => s.profile);
  const namespace = useApp((s) => s.namespace);
  const setNamespace = useApp((s) => s.setNamespace);
  const summary = useApp((s) => s.profiles.find((p) => p.name === s.profile));
  const live = useLiveTable(client, client ? resourcePath(wellKnown.namespaces) : undefined, {
    includeObject: 'Metadata',
    poll: true,
    pollMs: 15_000,
  });
  const forbidden = (live.error as { code?: number } | undefined)?.code === 403;
  const [allowed, setAllowed] = useState<ProfileNamespaces>();
  const [editing, setEditing] = useState(false);
  const allowKey = (summary?.allowedNamespaces ?? []).join(',');

  useEffect(() => {
    setAllowed(undefined);
    if (!forbidden || !profile) return;
    let live = true;
    host.profileNamespaces(profile).then(
      (r) => live && setAllowed(r),
      (e) => live && setAllowed({ profile, namespaces: [], from: 'allow-list', defaultNamespace: 'default', reason: errorText(e) }),
    );
    return () => {
      live = false;
    };
  }, [forbidden, profile, allowKey, host]);
  const fromCluster = useMemo(() => live.set.rows.map((r) => r.name).sort(), [live.set.rows]);
  const choices = namespaceChoices(namespace, fromCluster, forbidden, allowed);
  useEffect(() => {
    if (choices.switchTo !== undefined) setNamespace(choices.switchTo);
  }, [choices.switchTo, setNamespace]);
  const names = choices.names;
  const canEdit = forbidden && summary?.source === 'kubeconfig';
  return (
    <>
      <select
        data-testid="namespace-picker"
        aria-label="Namespace"
        value={namespace}
        data-from={choices.from}
        title={choices.from === 'allow-list' ? allowed?.reason : undefined}
        onChange={(e) => setNamespace(e.target.value)}
      >
        {choices.all && <option value="">All namespaces</option>}
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        {namespace && !names.includes(namespace) && <option value={namespace}>{namespace}</option>}
      </select>
      {canEdit && (
        <button
          className="ghost small"
          data-testid="edit-namespaces"
          title="This user may not list namespaces: choose which ones to offer"
          onClick={() => setEditing(true)}
        >
          Edit allowed namespaces…
        </button>
      )}
      {editing && profile && <AllowedNamespacesDialog profile={profile} onClose={() => setEditing(false)} />}
    </>
  );
}
