// A Deployment: replicas, rollout status, revision history with Rollback; Scale and Restart.
import { useState } from 'react';
import { restartRollout, rollbackTo, scale } from '../../k8s/actions';
import type { K8sClient } from '../../k8s/client';
import { resourcePath, selectorString, wellKnown } from '../../k8s/resources';
import type { ApiResource, KubeObject } from '../../k8s/types';
import { useApp, useK8s } from '../../state/services';
import { useLiveTable } from '../../state/use-live-table';
import { useNow } from '../../state/use-now';
import { ConfirmDialog } from '../confirm-dialog';
import { accessQuery } from '../../k8s/access';
import { guard, useAccessList } from '../../state/use-access';
import { formatAge } from '../../k8s/age';

export function rolloutStatus(d: KubeObject): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const progressing = (s.conditions ?? []).find((c: any) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { text: `Rollout stuck: ${progressing.message ?? 'progress deadline exceeded'}`, tone: 'bad' };
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0))
    return { text: 'Waiting for the controller to see the new spec', tone: 'warn' };
  if ((s.updatedReplicas ?? 0) < want)
    return { text: `Rolling out: ${s.updatedReplicas ?? 0} of ${want} new replicas updated`, tone: 'warn' };
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0))
    return { text: `Rolling out: ${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas pending termination`, tone: 'warn' };
  if ((s.availableReplicas ?? 0) < want)
    return { text: `Rolling out: ${s.availableReplicas ?? 0} of ${want} updated replicas available`, tone: 'warn' };
  return { text: 'Rolled out', tone: 'ok' };
}

const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
const imagesOf = (o: KubeObject) => (o.spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(', ');

export function ScaleDialog({
  client,
  resource,
  obj,
  onClose,
}: {
  client: K8sClient;
  resource: ApiResource;
  obj: KubeObject;
  onClose(): void;
}) {
  const [value, setValue] = useState(String(obj.spec?.replicas ?? 1));
  const n = Number(value);
  const valid = value.trim() !== '' && Number.isInteger(n) && n >= 0;
  return (
    <ConfirmDialog
      title={`Scale ${resource.kind} ${obj.metadata.name}`}
      confirmLabel="Scale"
      invalid={!valid}
      onClose={onClose}
      onConfirm={() => scale(client, resource, obj.metadata.namespace ?? '', obj.metadata.name ?? '', n)}
    >
      <div className="form-grid">
        <label htmlFor="scale-input">Replicas</label>
        <input
          id="scale-input"
          data-testid="scale-input"
          type="number"
          min={0}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
          style={{ width: 100 }}
        />
      </div>
      {!valid && <div className="small tone-bad">Enter a whole number, 0 or more.</div>}
      <div className="muted small">
        Currently {obj.spec?.replicas ?? 1} desired, {obj.status?.readyReplicas ?? 0} ready.
      </div>
    </ConfirmDialog>
  );
}

export function WorkloadActions({ resource, obj }: { resource: ApiResource; obj: KubeObject }) {
  const client = useK8s()!;
  const profile = useApp((s) => s.profile)!;
  const openTab = useApp((s) => s.openTab);
  const [dialog, setDialog] = useState<'' | 'scale' | 'restart'>('');
  const scalable = ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(resource.kind);
  const restartable = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(resource.kind);
  const ns = obj.metadata.namespace ?? 'default';
  const selector = selectorString(obj.spec?.selector);
  const name = obj.metadata.name ?? '';
  const [logs, scaleAccess, restart] = useAccessList([
    accessQuery(wellKnown.pods, 'get', ns, undefined, 'log'),
    accessQuery(resource, 'patch', ns, name, 'scale'),
    accessQuery(resource, 'patch', ns, name),
  ]);
  return (
    <>
      {selector && (
        <button
          data-testid="action-logs"
          {...guard(logs)}
          onClick={() =>
            openTab({
              id: `logs:${profile}:${ns}/${resource.kind}/${obj.metadata.name}`,
              type: 'logs',
              title: `Logs ${resource.kind.toLowerCase()}/${obj.metadata.name}`,
              profile,
              namespace: ns,
              selector,
            })
          }
        >
          Logs
        </button>
      )}
      {scalable && (
        <button data-testid="action-scale" {...guard(scaleAccess)} onClick={() => setDialog('scale')}>
          Scale
        </button>
      )}
      {restartable && (
        <button data-testid="action-restart" {...guard(restart)} onClick={() => setDialog('restart')}>
          Restart
        </button>
      )}
      {dialog === 'scale' && <ScaleDialog client={client} resource={resource} obj={obj} onClose={() => setDialog('')} />}
      {dialog === 'restart' && (
        <ConfirmDialog
          title={`Restart ${resource.kind} ${obj.metadata.name}?`}
          confirmLabel="Restart"
          onClose={() => setDialog('')}
          onConfirm={() => restartRollout(client, resource, ns, obj.metadata.name ?? '')}
        >
          Replaces every pod with a new one, following the rollout strategy (
          {obj.spec?.strategy?.type ?? obj.spec?.updateStrategy?.type ?? 'RollingUpdate'}).
        </ConfirmDialog>
      )}
    </>
  );
}

function History({ deployment }: { deployment: KubeObject }) {
  const client = useK8s()!;
  const ns = deployment.metadata.namespace ?? 'default';
  const live = useLiveTable(client, resourcePath(wellKnown.replicasets, ns), {
    labelSelector: selectorString(deployment.spec?.selector),
    includeObject: 'Object',
    poll: true,
    pollMs: 3000,
  });
  const [target, setTarget] = useState<KubeObject>();
  const now = useNow(5000);
  const owned = live.set.rows
    .map((r) => r.object)
    .filter((o): o is KubeObject => !!o && !!o.metadata.ownerReferences?.some((ref) => ref.uid === deployment.metadata.uid));
  owned.sort((a, b) => revisionOf(b) - revisionOf(a));
  const current = deployment.metadata.annotations?.['deployment.kubernetes.io/revision'];
  return (
    <section data-testid="revision-history">
      <h3>Revision history</h3>
      {live.error && <div className="small tone-bad">{live.error.message}</div>}
      <table className="mini">
        <thead>
          <tr>
            <th>Rev</th>
            <th>ReplicaSet</th>
            <th>Pods</th>
            <th>Images</th>
            <th>Age</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {owned.map((rs) => {
            const rev = String(revisionOf(rs));
            return (
              <tr key={rs.metadata.uid} data-testid="revision">
                <td>
                  {rev}
                  {rev === current ? ' (current)' : ''}
                </td>
                <td className="mono">{rs.metadata.name}</td>
                <td>
                  {rs.status?.readyReplicas ?? 0}/{rs.spec?.replicas ?? 0}
                </td>
                <td className="mono small">{imagesOf(rs)}</td>
                <td className="muted">{formatAge(rs.metadata.creationTimestamp, now)}</td>
                <td>
                  {rev !== current && (
                    <button className="small" data-testid="action-rollback" onClick={() => setTarget(rs)}>
                      Rollback
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {target && (
        <ConfirmDialog
          title={`Roll back ${deployment.metadata.name} to revision ${revisionOf(target)}?`}
          confirmLabel="Roll back"
          onClose={() => setTarget(undefined)}
          onConfirm={() => rollbackTo(client, deployment, target)}
        >
          The pod template becomes that of <code>{target.metadata.name}</code> (images: {imagesOf(target)}); the rollout replaces the pods.
        </ConfirmDialog>
      )}
    </section>
  );
}

export function DeploymentSection({ obj }: { obj: KubeObject }) {
  const s = obj.status ?? {};
  const status = rolloutStatus(obj);
  return (
    <section data-testid="deployment-section">
      <h3>Replicas</h3>
      <div className="tiles">
        {[
          ['Desired', obj.spec?.replicas ?? 1],
          ['Updated', s.updatedReplicas ?? 0],
          ['Ready', s.readyReplicas ?? 0],
          ['Available', s.availableReplicas ?? 0],
        ].map(([k, v]) => (
          <div className="tile" key={k} data-testid={`replicas-${String(k).toLowerCase()}`}>
            <div className="muted small">{k}</div>
            <div className="n">{v}</div>
          </div>
        ))}
      </div>
      <div className="kv">
        <span>Rollout</span>
        <span className={`tone-${status.tone}`} data-testid="rollout-status">
          {status.text}
        </span>
        <span>Strategy</span>
        <span>{obj.spec?.strategy?.type ?? 'RollingUpdate'}</span>
        <span>Selector</span>
        <span className="mono small">{selectorString(obj.spec?.selector)}</span>
        <span>Images</span>
        <span className="mono small">{imagesOf(obj)}</span>
      </div>
      <History deployment={obj} />
    </section>
  );
}
