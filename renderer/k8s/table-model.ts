// Rows of a server-side Table, kept by object identity so watch events can be applied in
// batches: one array copy per batch, one index rebuild only when rows were deleted.
import type { KubeObject, ObjectMeta, RawTableRow, TableColumnDefinition } from './types';

export interface Row {
  /** uid, or namespace/name when the server sent no uid. */
  key: string;
  name: string;
  namespace: string;
  /** Cells as display strings, in column order. */
  cells: string[];
  /** Cells as the server sent them (numbers sort as numbers). */
  values: unknown[];
  meta: ObjectMeta;
  /** The full object, when the list asked for includeObject=Object. */
  object?: KubeObject;
  /** When the row arrived (ms): "5m ago" cells the server computed keep ticking from it. */
  receivedAt: number;
  /** Lowercased name, namespace and every cell: what the text filter searches. */
  search: string;
  /** Sort keys by column, computed on first sort (rows are replaced, never changed, so it stays valid). */
  sortKeys?: Map<number, number | string>;
}

export interface RowEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  row: Row;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function metaKey(meta: ObjectMeta | undefined, fallbackName = ''): string {
  if (meta?.uid) return meta.uid;
  return `${meta?.namespace ?? ''}/${meta?.name ?? fallbackName}`;
}

/**
 * `full`: the list asked for includeObject=Object, so the row's object is the whole object
 * (kinds such as core/v1 Event have no spec, status or data; the question decides, not the shape).
 */
export function toRow(raw: RawTableRow, columns: TableColumnDefinition[], full = false, now = Date.now()): Row {
  const obj = raw.object as KubeObject | undefined;
  const meta: ObjectMeta = obj?.metadata ?? {};
  const values = raw.cells ?? [];
  const cells = values.map(cellText);
  const nameCol = columns.findIndex((c) => c.format === 'name');
  const name = meta.name ?? (nameCol >= 0 ? cells[nameCol] : cells[0]) ?? '';
  const namespace = meta.namespace ?? '';
  return {
    key: metaKey(meta, name),
    name,
    namespace,
    cells,
    values,
    meta,
    object: full && obj && obj.kind !== 'PartialObjectMetadata' ? obj : undefined,
    receivedAt: now,
    search: `${name}\u0000${namespace}\u0000${cells.join('\u0000')}`.toLowerCase(),
  };
}

export interface RowSet {
  rows: Row[];
  index: Map<string, number>;
}

export function rowSetFrom(rows: Row[]): RowSet {
  const index = new Map<string, number>();
  const unique: Row[] = [];
  for (const r of rows) {
    const at = index.get(r.key);
    if (at === undefined) {
      index.set(r.key, unique.length);
      unique.push(r);
    } else unique[at] = r;
  }
  return { rows: unique, index };
}

export interface BatchResult extends RowSet {
  /** Rows were added or removed (positions changed). */
  structural: boolean;
  /** Rows replaced in place: key -> [row before the batch, row after it]. */
  modified: Map<string, [Row, Row]>;
}

/** Applies a batch of watch events; the input set is left untouched. */
export function applyRowEvents(set: RowSet, events: RowEvent[]): BatchResult {
  const rows: (Row | null)[] = set.rows.slice();
  // The index is copied only when positions change (50,000 entries cost ~2 ms to copy).
  let index = set.index;
  const own = () => (index === set.index ? (index = new Map(set.index)) : index);
  const modified = new Map<string, [Row, Row]>();
  let added = false;
  let deleted = false;
  for (const { type, row } of events) {
    const at = index.get(row.key);
    if (type === 'DELETED') {
      if (at === undefined) continue;
      rows[at] = null;
      own().delete(row.key);
      modified.delete(row.key);
      deleted = true;
    } else if (at === undefined) {
      own().set(row.key, rows.length);
      rows.push(row);
      added = true;
    } else {
      const before = rows[at]!;
      const prev = modified.get(row.key);
      modified.set(row.key, [prev ? prev[0] : before, row]);
      rows[at] = row;
    }
  }
  if (!deleted) return { rows: rows as Row[], index, structural: added, modified };
  const kept = rows.filter((r): r is Row => r !== null);
  return { ...rowSetFrom(kept), structural: true, modified };
}
