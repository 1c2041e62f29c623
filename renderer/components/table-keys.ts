// k9s-like keys on a list: j/k or arrows move the cursor (g/G, Home/End, PageUp/PageDown),
// Enter opens the row's panel, / goes to the filter, l logs, s shell, e edit YAML, d or Delete
// asks to delete, Space marks the row for a bulk action, Esc closes the panel. Letters with
// Ctrl/Cmd/Alt stay the browser's.
import { useCallback, useState, type KeyboardEvent } from 'react';
import type { Row } from '../k8s/table-model';
import type { ApiResource } from '../k8s/types';
import type { Selection } from '../state/types';
import type { ObjectAction } from './object-actions';

export interface TableKeysDeps {
  rows: Row[];
  resource: ApiResource;
  /** The row whose panel is open: where the cursor starts. */
  selectedKey?: string;
  open(row: Row): void;
  close(): void;
  focusFilter(): void;
  act(sel: Selection, action: ObjectAction): void;
  /** Toggles the row's mark (bulk actions). */
  mark?: (row: Row) => void;
}

const PAGE = 20;
const ACTIONS: Record<string, ObjectAction> = { l: 'logs', s: 'shell', e: 'edit', d: 'delete', Delete: 'delete' };

export function useTableKeys(d: TableKeysDeps): {
  cursorKey?: string;
  onKeyDown: (e: KeyboardEvent) => void;
  setCursor: (key?: string) => void;
} {
  const [cursor, setCursor] = useState<string | undefined>();
  // A cursor on a row that went away (filtered, deleted) falls back to the open row, then the first.
  const at = d.rows.findIndex((r) => r.key === cursor);
  const start =
    at >= 0
      ? at
      : Math.max(
          0,
          d.rows.findIndex((r) => r.key === d.selectedKey),
        );
  const cursorKey = d.rows[start]?.key;

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const move = (i: number) => setCursor(d.rows[Math.max(0, Math.min(d.rows.length - 1, i))]?.key);
      const row = d.rows[start];
      const key = e.key;
      if (key === 'j' || key === 'ArrowDown') move(start + 1);
      else if (key === 'k' || key === 'ArrowUp') move(start - 1);
      else if (key === 'g' || key === 'Home') move(0);
      else if (key === 'G' || key === 'End') move(d.rows.length - 1);
      else if (key === 'PageDown') move(start + PAGE);
      else if (key === 'PageUp') move(start - PAGE);
      else if (key === '/') d.focusFilter();
      else if (key === 'Escape') d.close();
      else if (key === 'Enter' && row) d.open(row);
      else if (key === ' ' && row && d.mark) d.mark(row);
      else if (ACTIONS[key] && row) d.act({ resource: d.resource, namespace: row.namespace, name: row.name }, ACTIONS[key]);
      else return;
      e.preventDefault();
      e.stopPropagation();
    },
    [d, start],
  );
  return { cursorKey, onKeyDown, setCursor };
}
