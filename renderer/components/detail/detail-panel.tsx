// The selected object: hand-made sections for kinds that deserve one, then what every
// object has (metadata, conditions, events); actions on top.
import { useState } from 'react';
import type { Row } from '../../k8s/table-model';
import type { KubeEvent } from '../../k8s/events';
import type { KubeObject } from '../../k8s/types';
import type { Selection } from '../../state/types';
import { useApp, useK8s } from '../../state/services';
import { useObject } from '../../state/use-object';
import { useObjectEvents } from '../../state/use-object-events';
import { ErrorBox } from '../error-box';
import { DataSection } from './data-section';
import { DeleteDialog } from './delete-dialog';
import { DeploymentSection, WorkloadActions } from './deployment-section';
import { EventsSection } from './events-section';
import { ConditionsSection, MetaSection } from './meta-section';
import { NodeActions, NodeSection } from './node-section';
import { PodActions, PodSection } from './pod-section';
import { ServiceActions, ServiceSection } from './service-section';

function KindSection({ obj, events }: { obj: KubeObject; events: KubeEvent[] }) {
  switch (obj.kind) {
    case 'Pod':
      return <PodSection pod={obj} events={events} />;
    case 'Deployment':
      return <DeploymentSection obj={obj} />;
    case 'Node':
      return <NodeSection node={obj} />;
    case 'Service':
      return <ServiceSection svc={obj} />;
    case 'Secret':
    case 'ConfigMap':
      return <DataSection obj={obj} />;
    default:
      return null;
  }
}

export function DetailPanel({ selection, liveRow }: { selection: Selection; liveRow?: Row }) {
  const client = useK8s();
  const select = useApp((s) => s.select);
  const openEditor = useApp((s) => s.openEditor);
  const { resource, namespace, name } = selection;
  const { obj, error, reload } = useObject(client, resource, namespace, name, liveRow?.meta.resourceVersion);
  const [deleting, setDeleting] = useState(false);
  const events = useObjectEvents(obj?.metadata.uid);
  const gone = error && (error as { code?: number }).code === 404;
  const kind = obj?.kind ?? resource.kind;
  return (
    <aside className="detail" data-testid="detail-panel" data-kind={resource.kind} data-name={name}>
      <div className="detail-head">
        <h2 title={`${kind} ${namespace ? namespace + '/' : ''}${name}`}>
          <span className="muted">{kind}</span> {name}
        </h2>
        <button className="ghost" aria-label="Close details" data-testid="detail-close" onClick={() => select(undefined)}>
          ×
        </button>
      </div>
      {obj && client && (
        <div className="detail-actions">
          {kind === 'Pod' && <PodActions pod={obj} />}
          {['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(kind) && (
            <WorkloadActions resource={resource} obj={obj} />
          )}
          {kind === 'Node' && <NodeActions node={obj} reload={reload} />}
          {kind === 'Service' && <ServiceActions svc={obj} />}
          <button data-testid="action-yaml" onClick={() => openEditor({ mode: 'edit', resource, namespace, name })}>
            YAML
          </button>
          <button data-testid="action-delete" className="danger" onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      )}
      <div className="detail-body" tabIndex={0} role="region" aria-label={`${kind} ${name} details`}>
        {gone ? (
          <div className="notice" style={{ marginTop: 12 }}>
            {resource.kind} {name} no longer exists{namespace ? ` in namespace ${namespace}` : ''}.
          </div>
        ) : error && !obj ? (
          <ErrorBox error={error} title={`Cannot read ${resource.kind} ${name}`} />
        ) : !obj ? (
          <div className="muted" style={{ padding: 12 }}>
            Loading…
          </div>
        ) : (
          <>
            {error && <ErrorBox error={error} title="Showing the last known state" />}
            <KindSection obj={obj} events={events.events} />
            <MetaSection obj={obj} />
            <ConditionsSection conditions={obj.status?.conditions} />
            <EventsSection live={events} />
          </>
        )}
      </div>
      {deleting && client && (
        <DeleteDialog
          client={client}
          resource={resource}
          namespace={namespace}
          name={name}
          onClose={() => setDeleting(false)}
          onDeleted={() => select(undefined)}
        />
      )}
    </aside>
  );
}
