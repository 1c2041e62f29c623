// Shared pieces of server-side printing: the Name/Age/Created At columns every table has,
// and the small formatters the upstream printers use for labels, selectors and containers.
import type { KubeObject, PrinterColumn } from './types';
import { timestampSince } from './human-duration';
import type { LabelSelector } from '../apimachinery/selectors';

export type Cell = string | number | boolean | null;

/** A printer column; `priority` 1 marks the columns kubectl shows only with `-o wide`. */
export function column(
  name: string,
  type: PrinterColumn['type'],
  description: string,
  cell: (obj: KubeObject, now: number) => Cell,
  priority = 0,
): PrinterColumn {
  return { name, type, format: '', description, priority, cell };
}

export function nameColumn(cell?: (obj: KubeObject) => string): PrinterColumn {
  return {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
    cell: (obj) => (cell ? cell(obj) : (obj.metadata?.name ?? '')),
  };
}

/** AGE, computed server-side as a short human duration (real servers send a string). */
export function ageColumn(): PrinterColumn {
  return column('Age', 'string', 'Time since the object was created (creationTimestamp).', (obj, now) =>
    timestampSince(obj.metadata?.creationTimestamp, now),
  );
}

/** The generic table for kinds without a printer: Name and an RFC 3339 "Created At". */
export function defaultColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column('Created At', 'date', 'Time the object was created (creationTimestamp).', (obj) => {
      const ts = obj.metadata?.creationTimestamp;
      if (!ts) return null;
      const t = Date.parse(ts);
      return Number.isNaN(t) ? ts : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }),
  ];
}

/** "k=v,k2=v2" sorted by key, "<none>" when empty (labels.FormatLabels). */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** A LabelSelector in kubectl's string syntax ("app=web,tier in (a,b),!legacy"); "" matches everything. */
export function selectorString(selector: LabelSelector | null | undefined): string {
  if (!selector) return '';
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push([k, `${k}=${v}`]);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    switch (req.operator) {
      case 'In':
        parts.push([req.key, `${req.key} in (${values})`]);
        break;
      case 'NotIn':
        parts.push([req.key, `${req.key} notin (${values})`]);
        break;
      case 'Exists':
        parts.push([req.key, req.key]);
        break;
      case 'DoesNotExist':
        parts.push([req.key, `!${req.key}`]);
        break;
      default:
        parts.push([req.key, `${req.key} ${String(req.operator).toLowerCase()} (${values})`]);
    }
  }
  // Requirements print sorted by key, as the labels package sorts them.
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return parts.map((p) => p[1]).join(',');
}

/** metav1.FormatLabelSelector: like selectorString but "<none>" for nil or empty. */
export function formatSelector(selector: LabelSelector | null | undefined): string {
  const s = selectorString(selector);
  return s === '' ? '<none>' : s;
}

/** CONTAINERS and IMAGES cells: names and images joined by commas. */
export function containerCells(containers: { name?: string; image?: string }[] | undefined): { names: string; images: string } {
  const list = containers ?? [];
  return { names: list.map((c) => c.name ?? '').join(','), images: list.map((c) => c.image ?? '').join(',') };
}

/** The three wide columns workload controllers share: CONTAINERS, IMAGES, SELECTOR. */
export function templateColumns(
  containers: (obj: KubeObject) => { name?: string; image?: string }[] | undefined,
  selector?: (obj: KubeObject) => string,
): PrinterColumn[] {
  const cols = [
    column('Containers', 'string', 'Names of each container in the template.', (o) => containerCells(containers(o)).names, 1),
    column('Images', 'string', 'Images referenced by each container in the template.', (o) => containerCells(containers(o)).images, 1),
  ];
  if (selector) cols.push(column('Selector', 'string', 'Label query over the pods this object manages.', selector, 1));
  return cols;
}

/** "a,b,c + 2 more..." with at most `max` items; `empty` when there are none. */
export function listWithMore(items: string[], max: number, total: number, empty = '<unset>'): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return total > max ? `${shown} + ${total - max} more...` : shown;
}

/** Go's strconv-style boolean pointer print used by some printers: True/False/<unset>. */
export function boolPtr(value: unknown): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}

/** Compact access modes as `kubectl get pv/pvc` prints them (RWO,ROX,RWX,RWOP). */
export function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  const order = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
  const set = new Set(modes ?? []);
  return order
    .filter((m) => set.has(m))
    .map((m) => short[m])
    .join(',');
}
