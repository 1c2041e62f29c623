// A virtualized table with a fixed row height: only the visible rows (plus a few above and
// below) are in the DOM, so 50,000 rows scroll like 50.
import { memo, useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type RefObject } from 'react';
import { formatAge, tickAgo } from '../k8s/age';
import { useNow } from '../state/use-now';
import { toneForCell } from '../k8s/status-tone';
import type { Row } from '../k8s/table-model';
import type { RowWarning } from '../state/use-warnings';

export interface DisplayColumn {
  /** Sort index understood by row-view (Table column index, or -2 for namespace). */
  sort: number;
  name: string;
  /** Table column index, or -1 for the namespace column. */
  index: number;
  width: number;
  age?: boolean;
}

export const rowHeight = 24;
const overscan = 12;

function cellOf(row: Row, c: DisplayColumn, now: number): string {
  if (c.index < 0) return row.namespace;
  if (c.age && row.meta.creationTimestamp) return formatAge(row.meta.creationTimestamp, now);
  return tickAgo(row.cells[c.index] ?? '', now - row.receivedAt);
}

const VirtualRow = memo(function VirtualRow(p: {
  row: Row;
  columns: DisplayColumn[];
  selected: boolean;
  cursor: boolean;
  now: number;
  warning?: RowWarning;
  onSelect(row: Row): void;
  /** With marks: a checkbox first (bulk actions); undefined without. */
  marked?: boolean;
  onMark?: (row: Row, on: boolean) => void;
}) {
  return (
    <div
      className={`vt-row${p.selected ? ' selected' : ''}${p.cursor ? ' cursor' : ''}`}
      data-cursor={p.cursor ? 'true' : undefined}
      data-testid="row"
      data-name={p.row.name}
      data-namespace={p.row.namespace}
      role="row"
      aria-selected={p.selected}
      data-marked={p.marked ? 'true' : undefined}
      onClick={(e) => (p.onMark && (e.ctrlKey || e.metaKey) ? p.onMark(p.row, !p.marked) : p.onSelect(p.row))}
    >
      {p.onMark && (
        <span role="cell" className="vt-mark" onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            data-testid="row-mark"
            tabIndex={-1}
            aria-label={`Mark ${p.row.name}`}
            checked={!!p.marked}
            onChange={(e) => p.onMark!(p.row, e.target.checked)}
          />
        </span>
      )}
      {p.columns.map((c, i) => {
        const text = cellOf(p.row, c, p.now);
        const tone = c.index >= 0 ? toneForCell(c.name, text) : undefined;
        const badge = p.warning && (c.sort === 0 || (i === 0 && c.index >= 0)) ? p.warning : undefined;
        return (
          <span key={c.sort} role="cell" className={tone ? `tone-${tone}` : undefined} title={text.length > 30 ? text : undefined}>
            {badge && (
              <span
                className="tag warn warning-badge"
                data-testid="warning-badge"
                title={`${badge.count} warning${badge.count > 1 ? 's' : ''}, latest ${badge.reason}: ${badge.message}`}
              >
                ⚠ {badge.count}
              </span>
            )}
            {text}
          </span>
        );
      })}
    </div>
  );
});

export interface VirtualTableProps {
  columns: DisplayColumn[];
  rows: Row[];
  selectedKey?: string;
  sortColumn: number;
  sortDesc: boolean;
  onSort(column: number): void;
  onSelect(row: Row): void;
  empty?: string;
  /** Changing it scrolls back to the top (new filter or sort). */
  scrollKey?: string;
  /** Recent warnings by row key (uid): a badge next to the name. */
  warnings?: Map<string, RowWarning>;
  /** The keyboard cursor's row (kept in view) and the keys on the focused table. */
  cursorKey?: string;
  onKeyDown?: (e: KeyboardEvent) => void;
  tableRef?: RefObject<HTMLDivElement | null>;
  label?: string;
  /** Marked rows by key, for bulk actions (Ctrl+click, Space, the checkboxes). */
  marked?: Set<string>;
  onMark?: (row: Row, on: boolean) => void;
  onMarkAll?: (on: boolean) => void;
}

export function VirtualTable(p: VirtualTableProps) {
  const own = useRef<HTMLDivElement>(null);
  const ref = p.tableRef ?? own; // one ref for the component's life (the list passes the same one)
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const now = useNow(1000);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, [ref]);
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setScrollTop(0);
  }, [p.scrollKey, ref]);
  // The cursor stays in view (the header row is sticky, one row high).
  useEffect(() => {
    const el = ref.current;
    const i = p.cursorKey ? p.rows.findIndex((r) => r.key === p.cursorKey) : -1;
    if (!el || i < 0) return;
    const top = i * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + 2 * rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + 2 * rowHeight - el.clientHeight;
  }, [p.cursorKey]); // eslint-disable-line react-hooks/exhaustive-deps -- only a cursor move scrolls; row updates must not
  const total = p.rows.length;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const visible = p.rows.slice(first, last);
  const template = (p.onMark ? '16px ' : '') + p.columns.map((c) => `${c.width}px`).join(' ');
  const markedCount = p.marked?.size ?? 0;
  return (
    <div
      className="vt"
      ref={ref}
      role="table"
      tabIndex={0}
      aria-label={p.label}
      aria-rowcount={total}
      data-testid="table"
      onKeyDown={p.onKeyDown}
      style={{ '--cols': template } as CSSProperties}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="vt-head" role="row">
        {p.onMarkAll && (
          <span role="columnheader" className="vt-mark">
            <input
              type="checkbox"
              data-testid="mark-all"
              aria-label="Mark all rows"
              checked={total > 0 && markedCount >= total}
              ref={(el) => {
                if (el) el.indeterminate = markedCount > 0 && markedCount < total;
              }}
              onChange={(e) => p.onMarkAll!(e.target.checked)}
            />
          </span>
        )}
        {p.columns.map((c) => (
          <button
            key={c.sort}
            role="columnheader"
            data-testid="column-header"
            onClick={() => p.onSort(c.sort)}
            aria-sort={p.sortColumn === c.sort ? (p.sortDesc ? 'descending' : 'ascending') : 'none'}
          >
            {c.name}
            {p.sortColumn === c.sort ? (p.sortDesc ? ' ↓' : ' ↑') : ''}
          </button>
        ))}
      </div>
      {total === 0 && p.empty && <div className="vt-empty">{p.empty}</div>}
      <div style={{ height: total * rowHeight, position: 'relative' }}>
        <div style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${first * rowHeight}px)` }}>
          {visible.map((r) => (
            <VirtualRow
              key={r.key}
              row={r}
              columns={p.columns}
              selected={r.key === p.selectedKey}
              cursor={r.key === p.cursorKey}
              now={now}
              warning={p.warnings?.get(r.key)}
              onSelect={p.onSelect}
              marked={p.onMark ? !!p.marked?.has(r.key) : undefined}
              onMark={p.onMark}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

/** Column widths from the header and a sample of cells, so widths stay put while scrolling. */
export function measureColumns(names: Array<{ name: string; index: number; sort: number; age?: boolean }>, sample: Row[]): DisplayColumn[] {
  return names.map((c) => {
    let chars = c.name.length + 2;
    for (const r of sample) chars = Math.max(chars, (c.index < 0 ? r.namespace : (r.cells[c.index] ?? '')).length);
    const isName = c.sort === 0;
    const width = Math.min(isName ? 440 : 300, Math.max(48, Math.round(chars * 7.6) + 14));
    return { ...c, width };
  });
}
