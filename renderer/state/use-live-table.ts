// A live Table for a component: list-watch into a small zustand store, so each frame's
// batch of watch events is one state change.
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { K8sClient } from '../k8s/client';
import { startListWatch } from '../k8s/list-watch';
import type { RowChange } from '../k8s/row-view';
import type { StreamPriority } from '../k8s/stream-slots';
import { applyRowEvents, rowSetFrom, type RowSet } from '../k8s/table-model';
import type { TableColumnDefinition } from '../k8s/types';
import { useServices } from './services';

export interface LiveTable {
  columns: TableColumnDefinition[];
  set: RowSet;
  /** How `set` differs from the state before it (lets views patch instead of recompute). */
  change?: RowChange;
  loading: boolean;
  complete: boolean;
  error?: Error;
}

export interface LiveTableQuery {
  labelSelector?: string;
  fieldSelector?: string;
  includeObject?: 'None' | 'Metadata' | 'Object';
  /** Re-read every pollMs instead of watching (side panels: they must not hold a connection). */
  poll?: boolean;
  pollMs?: number;
  /** background: the watch yields its connection slot to a foreground stream and polls meanwhile (stream-slots.ts). */
  priority?: StreamPriority;
}

const empty: LiveTable = { columns: [], set: { rows: [], index: new Map() }, loading: true, complete: false };

export function useLiveTable(client: K8sClient | undefined, path: string | undefined, q: LiveTableQuery = {}): LiveTable {
  const { slots } = useServices();
  const key = `${client?.base}|${path}|${q.labelSelector ?? ''}|${q.fieldSelector ?? ''}|${q.includeObject ?? ''}|${q.poll ? (q.pollMs ?? 'poll') : ''}|${q.priority ?? ''}`;
  const store = useMemo(() => createStore<LiveTable>(() => ({ ...empty, loading: !!(client && path) })), [key]); // eslint-disable-line react-hooks/exhaustive-deps -- key folds client, path and query into one string
  useEffect(() => {
    if (!client || !path) return;
    const lw = startListWatch({
      client,
      path,
      labelSelector: q.labelSelector,
      fieldSelector: q.fieldSelector,
      includeObject: q.includeObject,
      slots,
      priority: q.priority,
      poll: q.poll,
      pollMs: q.pollMs,
      onReset: (columns, rows, complete) => store.setState({ columns, set: rowSetFrom(rows), change: undefined, loading: false, complete }),
      onPage: (rows, complete) => {
        const s = store.getState();
        store.setState({
          set: rowSetFrom(s.set.rows.concat(rows)),
          change: { base: s.set.rows, structural: true, modified: new Map() },
          complete,
        });
      },
      onEvents: (events) => {
        const s = store.getState();
        const r = applyRowEvents(s.set, events);
        store.setState({
          set: { rows: r.rows, index: r.index },
          change: { base: s.set.rows, structural: r.structural, modified: r.modified },
        });
      },
      onError: (error) => {
        if (error || store.getState().error) store.setState({ error: error ?? undefined, loading: false });
      },
    });
    return () => lw.stop();
  }, [store]); // eslint-disable-line react-hooks/exhaustive-deps -- the watch belongs to the store, which changes with its key
  return useStore(store);
}
