// Server-side printing: the meta.k8s.io/v1 Table that kubectl get asks for.
import type { KindDef, KubeObject, PrinterColumn } from '../kinds/types';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const fallbackColumns: PrinterColumn[] = [
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
    cell: (o) => o.metadata.name ?? '',
  },
  {
    name: 'Created At',
    type: 'date',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
    cell: (o) => o.metadata.creationTimestamp ?? '',
  },
];

export function columnsOf(def: KindDef): PrinterColumn[] {
  return def.printerColumns.length ? def.printerColumns : fallbackColumns;
}

export function tableColumnDefinitions(def: KindDef) {
  return columnsOf(def).map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description,
    priority: c.priority,
  }));
}

export function tableRow(def: KindDef, obj: KubeObject, include: IncludeObject, now: number) {
  const cells = columnsOf(def).map((c) => {
    try {
      return c.cell(obj, now);
    } catch {
      return '<unknown>';
    }
  });
  const row: Record<string, unknown> = { cells };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return row;
}

export function toTable(
  def: KindDef,
  items: KubeObject[],
  meta: { resourceVersion?: string; continue?: string },
  include: IncludeObject,
  now: number,
  withColumns = true,
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      ...(meta.continue ? { continue: meta.continue } : {}),
    },
    columnDefinitions: withColumns ? tableColumnDefinitions(def) : null,
    rows: items.map((o) => tableRow(def, o, include, now)),
  };
}
