// The selected object: the kind's registered section (kind-views.ts), then what every
// object has (metadata, conditions, events); the kind's actions and YAML/Delete on top.
import { useState } from 'react';
import type { Row } from '../../k8s/table-model';
import type { Selection } from '../../state/types';
import { useApp, useK8s } from '../../state/services';
import { useObject } from '../../state/use-object';
import { useObjectEvents } from '../../state/use-object-events';
import { accessQuery } from '../../k8s/access';
import { guard, useAccessList } from '../../state/use-access';
import { ErrorBox } from '../error-box';
import { detailViews } from './built-in-views';
import { CustomResourceSection } from './custom-resource-section';
import { DeleteDialog } from './delete-dialog';
import { EventsSection } from './events-section';
import type { KindViews } from './kind-views';
import { ConditionsSection, MetaSection } from './meta-section';

export function DetailPanel({ selection, liveRow, views = detailViews }: { selection: Selection; liveRow?: Row; views?: KindViews }) {
  const client = useK8s();
  const select = useApp((s) => s.select);
  const openEditor = useApp((s) => s.openEditor);
  const { resource, namespace, name } = selection;
  const { obj, error, reload } = useObject(client, resource, namespace, name, liveRow?.meta.resourceVersion);
  const [deleting, setDeleting] = useState(false);
  const events = useObjectEvents(obj?.metadata.uid, obj?.metadata.namespace);
  const gone = error && (error as { code?: number }).code === 404;
  const kind = obj?.kind ?? resource.kind;
  const view = views.find(resource.group, kind);
  const props = obj && { obj, resource, events: events.events, reload };
  const [canUpdate, canDelete] = useAccessList([
    accessQuery(resource, 'update', namespace, name),
    accessQuery(resource, 'delete', namespace, name),
  ]);
  const denied = [canUpdate, canDelete].filter((a) => a && !a.allowed).map((a) => a!.reason);
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
        <div className="detail-actions" data-access={canUpdate && canDelete ? 'known' : 'pending'}>
          {props && view?.actions?.(props)}
          <button
            data-testid="action-yaml"
            title={canUpdate && !canUpdate.allowed ? `Read-only: ${canUpdate.reason}` : undefined}
            onClick={() => openEditor({ mode: 'edit', resource, namespace, name })}
          >
            {canUpdate && !canUpdate.allowed ? 'View YAML' : 'YAML'}
          </button>
          <button data-testid="action-delete" className="danger" {...guard(canDelete)} onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      )}
      {obj && denied.length > 0 && (
        <div className="small muted rbac-note" data-testid="rbac-note" role="note">
          {denied.join('; ')}.
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
            {props && view?.section?.(props)}
            <CustomResourceSection obj={obj} resource={resource} />
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
