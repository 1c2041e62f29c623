// The rows a list shows: filtered by text, sorted by a column. Watch batches that only
// modify rows without changing their match or sort key patch the previous view in place
// instead of re-filtering and re-sorting 50,000 rows every frame.
import type { Row } from './table-model';
import type { TableColumnDefinition } from './types';

export interface ViewQuery {
  filter: string;
  /** Index into the Table's columns; -1 keeps the server's order; -2 sorts by namespace. */
  sortColumn: number;
  sortDesc: boolean;
}

export interface RowView {
  query: ViewQuery;
  columns: TableColumnDefinition[];
  source: Row[];
  rows: Row[];
  /** key -> position in rows, built on first use. */
  positions?: Map<string, number>;
}

export interface RowChange {
  /** The rows the change was applied to; the patch path is taken only from that state. */
  base?: Row[];
  structural: boolean;
  modified: Map<string, [Row, Row]>;
}

export const noQuery: ViewQuery = { filter: '', sortColumn: -1, sortDesc: false };

export function filterTerms(filter: string): string[] {
  return filter.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matches(row: Row, terms: string[]): boolean {
  for (const t of terms) if (!row.search.includes(t)) return false;
  return true;
}

type SortKey = number | string;
export const namespaceColumn = -2;

function naturalKey(s: string): string {
  // Digit runs padded so "web-2" sorts before "web-10" with a plain comparison.
  const l = s.toLowerCase();
  return /\d/.test(l) ? l.replace(/\d+/g, (d) => d.padStart(12, '0')) : l;
}

export function sortKey(row: Row, col: number, columns: TableColumnDefinition[]): SortKey {
  const perRow = (row.sortKeys ??= new Map());
  const hit = perRow.get(col);
  if (hit !== undefined) return hit;
  const def = columns[col];
  const v = row.values[col];
  let key: SortKey;
  if (col === namespaceColumn) key = naturalKey(row.namespace) + '\u0000' + naturalKey(row.name);
  else if (def && /^(age|created at)$/i.test(def.name) && row.meta.creationTimestamp) {
    key = -Date.parse(row.meta.creationTimestamp); // youngest first, as the ages read
  } else if (typeof v === 'number') key = v;
  else key = naturalKey(row.cells[col] ?? '');
  perRow.set(col, key);
  return key;
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function fullView(source: Row[], query: ViewQuery, columns: TableColumnDefinition[]): RowView {
  const terms = filterTerms(query.filter);
  let rows = terms.length ? source.filter((r) => matches(r, terms)) : source;
  if (query.sortColumn >= 0 || query.sortColumn === namespaceColumn) {
    const col = query.sortColumn;
    const dir = query.sortDesc ? -1 : 1;
    const src = rows;
    const keys = src.map((r) => sortKey(r, col, columns));
    const numeric = keys.every((k) => typeof k === 'number');
    const order = Array.from(keys.keys());
    // Ties fall back to the server's order (stable), whatever the direction.
    if (numeric) {
      const nk = keys as number[];
      order.sort((a, b) => dir * (nk[a] - nk[b]) || a - b);
    } else {
      order.sort((a, b) => dir * compareKeys(keys[a], keys[b]) || a - b);
    }
    rows = order.map((i) => src[i]);
  }
  return { query, columns, source, rows };
}

function sameQuery(a: ViewQuery, b: ViewQuery): boolean {
  return a.filter === b.filter && a.sortColumn === b.sortColumn && a.sortDesc === b.sortDesc;
}

function positionsOf(view: RowView): Map<string, number> {
  if (!view.positions) {
    view.positions = new Map();
    view.rows.forEach((r, i) => view.positions!.set(r.key, i));
  }
  return view.positions;
}

/** The view for `source`; `change` describes how source differs from prev.source. */
export function deriveView(
  prev: RowView | undefined,
  source: Row[],
  query: ViewQuery,
  columns: TableColumnDefinition[],
  change?: RowChange,
): RowView {
  if (
    !prev ||
    !change ||
    change.structural ||
    (change.base && change.base !== prev.source) ||
    prev.columns !== columns ||
    !sameQuery(prev.query, query)
  ) {
    if (prev && prev.source === source && prev.columns === columns && sameQuery(prev.query, query)) return prev;
    return fullView(source, query, columns);
  }
  if (change.modified.size === 0) return { ...prev, source };
  const terms = filterTerms(query.filter);
  const filtering = terms.length > 0;
  const sorting = query.sortColumn >= 0 || query.sortColumn === namespaceColumn;
  // When neither filtering nor sorting, the view is the source itself.
  if (!filtering && !sorting) return { query, columns, source, rows: source, positions: undefined };
  for (const [before, after] of change.modified.values()) {
    if (filtering && matches(before, terms) !== matches(after, terms)) return fullView(source, query, columns);
    if (sorting && sortKey(before, query.sortColumn, columns) !== sortKey(after, query.sortColumn, columns))
      return fullView(source, query, columns);
  }
  const positions = positionsOf(prev);
  const rows = prev.rows.slice();
  for (const [key, [, after]] of change.modified) {
    const at = positions.get(key);
    if (at !== undefined) rows[at] = after;
  }
  return { query, columns, source, rows, positions };
}
