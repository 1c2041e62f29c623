// One confirmation for an action over the marked rows: it lists every object (first 50, then
// a count), asks the replica count for a scale, shows progress, and stays open naming the
// objects that failed and why.
import { useState } from 'react';
import { runBulk, type BulkAction, type BulkTarget } from '../k8s/bulk';
import type { K8sClient } from '../k8s/client';
import type { ApiResource } from '../k8s/types';
import { ConfirmDialog } from './confirm-dialog';

const verbs: Record<BulkAction, string> = { delete: 'Delete', restart: 'Restart', scale: 'Scale' };
const shownMax = 50;

export function BulkDialog(p: {
  client: K8sClient;
  resource: ApiResource;
  action: BulkAction;
  targets: BulkTarget[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [replicas, setReplicas] = useState('1');
  const [progress, setProgress] = useState(0);
  const n = p.targets.length;
  const what = `${n} ${n === 1 ? p.resource.kind : p.resource.name}`;
  const count = Number(replicas);
  return (
    <ConfirmDialog
      title={`${verbs[p.action]} ${what}?`}
      confirmLabel={`${verbs[p.action]} ${n}`}
      danger={p.action === 'delete'}
      invalid={p.action === 'scale' && !(Number.isInteger(count) && count >= 0 && replicas.trim() !== '')}
      onClose={p.onClose}
      onConfirm={async () => {
        setProgress(0);
        const r = await runBulk(p.client, p.resource, p.action, p.targets, { replicas: count, onProgress: setProgress });
        p.onDone();
        if (r.failed.length)
          throw new Error(
            `${n - r.failed.length} of ${n} done; failed: ${r.failed
              .slice(0, 5)
              .map((f) => `${f.target.name} (${f.error})`)
              .join('; ')}${r.failed.length > 5 ? ` and ${r.failed.length - 5} more` : ''}`,
          );
      }}
    >
      <ul className="bulk-list" data-testid="bulk-list" tabIndex={0} aria-label="Objects">
        {p.targets.slice(0, shownMax).map((t) => (
          <li key={`${t.namespace}/${t.name}`} data-testid="bulk-item">
            {t.namespace ? <span className="muted">{t.namespace}/</span> : null}
            {t.name}
          </li>
        ))}
        {n > shownMax && <li className="muted">… and {n - shownMax} more</li>}
      </ul>
      {p.action === 'delete' && <p className="muted small">Their controllers may create replacements (pods of a Deployment).</p>}
      {p.action === 'restart' && <p className="muted small">Each rollout restarts its pods as kubectl rollout restart does.</p>}
      {p.action === 'scale' && (
        <label className="row-flex">
          Replicas for each
          <input
            data-testid="bulk-replicas"
            type="number"
            min={0}
            value={replicas}
            style={{ width: 80 }}
            onChange={(e) => setReplicas(e.target.value)}
            aria-label="Replicas"
          />
        </label>
      )}
      {progress > 0 && progress < n && (
        <p className="small" role="status">
          {progress} of {n}…
        </p>
      )}
    </ConfirmDialog>
  );
}
