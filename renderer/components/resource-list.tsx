// The live list of one kind: the server's Table columns, text filter, label selector,
// sorting, the count, "+ Create", and the detail panel of the selected row.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { navLabel, resourcePath } from '../k8s/resources';
import { deriveView, namespaceColumn, type RowView, type ViewQuery } from '../k8s/row-view';
import type { Row } from '../k8s/table-model';
import type { ApiResource } from '../k8s/types';
import { useApp, useK8s, useServices } from '../state/services';
import { useLiveTable } from '../state/use-live-table';
import { useWarnings } from '../state/use-warnings';
import { DetailPanel } from './detail/detail-panel';
import { bulkActionsFor, type BulkAction } from '../k8s/bulk';
import { BulkDialog } from './bulk-dialog';
import { ErrorBox } from './error-box';
import { runObjectAction } from './object-actions';
import { useTableKeys } from './table-keys';
import { accessQuery } from '../k8s/access';
import { K8sError } from '../k8s/errors';
import { guard, useAccessList } from '../state/use-access';
import { measureColumns, VirtualTable } from './virtual-table';

function nextSort(q: ViewQuery, col: number): ViewQuery {
  if (q.sortColumn !== col) return { ...q, sortColumn: col, sortDesc: false };
  if (!q.sortDesc) return { ...q, sortDesc: true };
  return { ...q, sortColumn: -1, sortDesc: false };
}

function bulkNamespace(rows: Row[], listNs: string): string {
  const set = new Set(rows.map((r) => r.namespace));
  return set.size === 1 ? [...set][0] : listNs;
}

export function ResourceList({ resource }: { resource: ApiResource }) {
  const services = useServices();
  const client = useK8s();
  const namespace = useApp((s) => s.namespace);
  const selection = useApp((s) => s.selection);
  const select = useApp((s) => s.select);
  const openEditor = useApp((s) => s.openEditor);
  const setListRows = useApp((s) => s.setListRows);
  const [query, setQuery] = useState<ViewQuery>({ filter: '', sortColumn: -1, sortDesc: false });
  const [labelInput, setLabelInput] = useState('');
  const [labelSelector, setLabelSelector] = useState('');
  const [wide, setWide] = useState(false);
  const [marked, setMarked] = useState<Set<string>>(() => new Set());
  const [bulk, setBulk] = useState<BulkAction | undefined>();
  const listNs = resource.namespaced ? namespace : '';
  const path = resourcePath(resource, listNs);
  const live = useLiveTable(client, path, { labelSelector });
  const warnings = useWarnings(client, listNs);

  // A new kind starts unfiltered.
  useEffect(() => {
    setQuery({ filter: '', sortColumn: -1, sortDesc: false });
    setLabelInput('');
    setLabelSelector('');
    setMarked(new Set());
  }, [resource.name, resource.group]);
  useEffect(() => {
    const t = setTimeout(() => setLabelSelector(labelInput.trim()), 500);
    return () => clearTimeout(t);
  }, [labelInput]);

  const viewRef = useRef<RowView | undefined>(undefined);
  const view = useMemo(() => {
    const v = deriveView(viewRef.current, live.set.rows, query, live.columns, live.change);
    viewRef.current = v;
    return v;
  }, [live.set.rows, live.columns, live.change, query]);
  useEffect(() => setListRows(live.set.rows), [live.set.rows, setListRows]);

  const hasRows = live.set.rows.length > 0;
  const columns = useMemo(() => {
    const names = live.columns
      .map((c, index) => ({ name: c.name, index, sort: index, priority: c.priority ?? 0, age: /^age$/i.test(c.name) }))
      .filter((c) => wide || c.priority === 0);
    if (resource.namespaced && !listNs) names.unshift({ name: 'Namespace', index: -1, sort: namespaceColumn, priority: 0, age: false });
    return measureColumns(names, live.set.rows.slice(0, 200));
  }, [live.columns, wide, resource.namespaced, listNs, hasRows]); // eslint-disable-line react-hooks/exhaustive-deps -- widths are measured when rows first arrive, not on every row update

  const onMark = useCallback(
    (row: Row, on: boolean) =>
      setMarked((m) => {
        const next = new Set(m);
        if (on) next.add(row.key);
        else next.delete(row.key);
        return next;
      }),
    [],
  );
  const onMarkAll = useCallback((on: boolean) => setMarked(on ? new Set(view.rows.map((r) => r.key)) : new Set()), [view.rows]);
  // Marks on rows that went away (deleted, filtered out by the server) no longer count.
  const markedRows = useMemo(() => (marked.size ? view.rows.filter((r) => marked.has(r.key)) : []), [marked, view.rows]);
  const bulkActions = bulkActionsFor(resource);
  const createNs = namespace || 'default';
  const [canCreate, ...bulkAccess] = useAccessList([
    accessQuery(resource, 'create', createNs),
    // Marked rows of one namespace are checked there; of several, across all namespaces.
    ...bulkActions.map((a) => accessQuery(resource, a === 'delete' ? 'delete' : 'patch', bulkNamespace(markedRows, listNs))),
  ]);
  // A list the identity may not read is said as such, not as a failure (issue 12).
  const forbidden = live.error instanceof K8sError && live.error.code === 403;
  const onSelect = useCallback((row: Row) => select({ resource, namespace: row.namespace, name: row.name }), [resource, select]);
  const selectedKey =
    selection && selection.resource.name === resource.name
      ? live.set.rows.find((r) => r.name === selection.name && r.namespace === selection.namespace)?.key
      : undefined;
  const filtered = query.filter.trim() !== '';
  const tableRef = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const keyDeps = useMemo(
    () => ({
      rows: view.rows,
      resource,
      selectedKey,
      open: onSelect,
      close: () => select(undefined),
      focusFilter: () => filterRef.current?.focus(),
      act: (sel: Parameters<typeof runObjectAction>[1], action: Parameters<typeof runObjectAction>[2]) =>
        void runObjectAction(services, sel, action),
      mark: bulkActions.length ? (row: Row) => onMark(row, !marked.has(row.key)) : undefined,
    }),
    [view.rows, resource, selectedKey, onSelect, select, services, onMark, marked, bulkActions.length],
  );
  const keys = useTableKeys(keyDeps);
  // Arriving by keyboard (the palette closing, a new kind): the table takes the keys unless something else has focus.
  const paletteOpen = useApp((s) => s.paletteOpen);
  useEffect(() => {
    if (!paletteOpen && (document.activeElement === document.body || document.activeElement === null)) tableRef.current?.focus();
  }, [live.loading, paletteOpen]);
  const label = navLabel(resource);

  return (
    <div className="content">
      <div className="list-pane" data-testid="resource-list" data-kind={resource.kind}>
        <div className="toolbar">
          <h2>
            {label}{' '}
            <span className="muted">
              (<span data-testid="list-count">{view.rows.length}</span>
              {filtered ? ` of ${live.set.rows.length}` : ''}
              {live.complete || live.loading ? '' : '…'})
            </span>
          </h2>
          <span className="spacer" />
          <input
            className="filter"
            ref={filterRef}
            data-testid="list-filter"
            placeholder="Filter…"
            value={query.filter}
            aria-label="Filter rows"
            onChange={(e) => setQuery({ ...query, filter: e.target.value })}
            onKeyDown={(e) => {
              // Back to the rows, k9s-like: Enter or Esc or Down leaves the filter.
              if (e.key === 'Enter' || e.key === 'Escape' || e.key === 'ArrowDown') {
                e.preventDefault();
                tableRef.current?.focus();
              }
            }}
          />
          <input
            className="labels"
            data-testid="label-selector"
            placeholder="Label selector, e.g. app=web"
            value={labelInput}
            aria-label="Label selector"
            onChange={(e) => setLabelInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setLabelSelector(labelInput.trim());
            }}
          />
          <label className="row-flex small">
            <input type="checkbox" data-testid="wide-toggle" checked={wide} onChange={(e) => setWide(e.target.checked)} /> wide
          </label>
          <button
            className="primary"
            data-testid="create-button"
            {...guard(canCreate, { disabled: !resource.verbs.includes('create') && resource.verbs.length > 0 })}
            onClick={() => openEditor({ mode: 'create', resource, namespace: namespace || 'default' })}
          >
            + Create
          </button>
        </div>
        {markedRows.length > 0 && (
          <div className="bulk-bar" data-testid="bulk-bar" role="toolbar" aria-label="Marked rows">
            <span data-testid="bulk-count">{markedRows.length} marked</span>
            {bulkActions.map((a, i) => (
              <button
                key={a}
                data-testid={`bulk-${a}`}
                className={a === 'delete' ? 'danger' : undefined}
                {...guard(bulkAccess[i])}
                onClick={() => setBulk(a)}
              >
                {a === 'delete' ? 'Delete…' : a === 'restart' ? 'Restart…' : 'Scale…'}
              </button>
            ))}
            <button className="ghost" data-testid="bulk-clear" onClick={() => setMarked(new Set())}>
              Clear
            </button>
          </div>
        )}
        {forbidden ? (
          <div className="notice warn" role="status" data-testid="list-forbidden">
            You cannot list {label.toLowerCase()} {listNs ? `in namespace ${listNs}` : 'in all namespaces'} (RBAC).{' '}
            <span className="muted small">{(live.error as K8sError).hint}</span>
          </div>
        ) : (
          live.error && <ErrorBox error={live.error} title={`Cannot list ${label.toLowerCase()}`} />
        )}
        {live.loading && !live.error ? (
          <div className="vt-empty">Loading {label.toLowerCase()}…</div>
        ) : (
          <VirtualTable
            columns={columns}
            rows={view.rows}
            selectedKey={selectedKey}
            sortColumn={query.sortColumn}
            sortDesc={query.sortDesc}
            onSort={(col) => setQuery(nextSort(query, col))}
            onSelect={onSelect}
            scrollKey={`${query.filter}|${query.sortColumn}|${query.sortDesc}|${labelSelector}`}
            warnings={warnings}
            cursorKey={keys.cursorKey}
            onKeyDown={keys.onKeyDown}
            tableRef={tableRef}
            label={`${label}: j/k move, Enter opens, / filters, Space marks, l logs, s shell, e edit, d delete`}
            marked={bulkActions.length ? marked : undefined}
            onMark={bulkActions.length ? onMark : undefined}
            onMarkAll={bulkActions.length ? onMarkAll : undefined}
            empty={
              live.error
                ? undefined
                : filtered
                  ? 'No rows match the filter.'
                  : `No ${label.toLowerCase()}${listNs ? ` in namespace ${listNs}` : ''}${labelSelector ? ` matching ${labelSelector}` : ''}.`
            }
          />
        )}
      </div>
      {bulk && client && (
        <BulkDialog
          client={client}
          resource={resource}
          action={bulk}
          targets={markedRows.map((r) => ({ namespace: r.namespace, name: r.name }))}
          onClose={() => setBulk(undefined)}
          onDone={() => setMarked(new Set())}
        />
      )}
      {selection && selection.resource.name === resource.name && selection.resource.group === resource.group && (
        <DetailPanel
          key={`${selection.namespace}/${selection.name}`}
          selection={selection}
          liveRow={selectedKey ? live.set.rows[live.set.index.get(selectedKey)!] : undefined}
        />
      )}
    </div>
  );
}
