// Delete with a choice of propagation (what happens to the objects it owns).
import { useState } from 'react';
import { deleteObject, type Propagation } from '../../k8s/actions';
import type { K8sClient } from '../../k8s/client';
import { K8sError } from '../../k8s/errors';
import { useApp, useServices } from '../../state/services';
import type { ApiResource } from '../../k8s/types';
import { ConfirmDialog } from '../confirm-dialog';

const explain: Record<Propagation, string> = {
  Background: 'Delete it now; the garbage collector removes what it owns afterwards.',
  Foreground: 'Delete what it owns first, then the object itself.',
  Orphan: 'Delete only the object; what it owns stays.',
};

export function DeleteDialog(p: {
  client: K8sClient;
  resource: ApiResource;
  namespace: string;
  name: string;
  onClose(): void;
  onDeleted(): void;
}) {
  const [policy, setPolicy] = useState<Propagation>('Background');
  const { store } = useServices();
  return (
    <ConfirmDialog
      title={`Delete ${p.resource.kind} ${p.name}?`}
      confirmLabel="Delete"
      danger
      onClose={p.onClose}
      onConfirm={async () => {
        try {
          await deleteObject(p.client, p.resource, p.namespace, p.name, policy);
        } catch (e) {
          // Someone else deleted it first: what the user wanted is done.
          if (!(e instanceof K8sError && e.code === 404)) throw e;
          store.getState().toast(`${p.resource.kind} ${p.name} was already gone.`);
        }
        p.onDeleted();
      }}
    >
      <div className="form-grid">
        <label htmlFor="propagation">Dependents</label>
        <select id="propagation" data-testid="propagation-select" value={policy} onChange={(e) => setPolicy(e.target.value as Propagation)}>
          <option value="Background">Background</option>
          <option value="Foreground">Foreground</option>
          <option value="Orphan">Orphan</option>
        </select>
      </div>
      <div className="muted small">{explain[policy]}</div>
    </ConfirmDialog>
  );
}

/** The delete confirmation asked for from the table keys or the palette. */
export function DeleteHost() {
  const services = useServices();
  const store = services.store;
  const req = useApp((s) => s.deleteRequest);
  const profile = useApp((s) => s.profile);
  if (!req || !profile) return null;
  const close = () => store.getState().askDelete(undefined);
  return (
    <DeleteDialog
      client={services.k8s(profile)}
      resource={req.resource}
      namespace={req.namespace}
      name={req.name}
      onClose={close}
      onDeleted={() => {
        const sel = store.getState().selection;
        if (sel && sel.name === req.name && sel.namespace === req.namespace && sel.resource.name === req.resource.name)
          store.getState().select(undefined);
      }}
    />
  );
}
