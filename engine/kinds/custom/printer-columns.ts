// A CRD version's additionalPrinterColumns as server-side printer columns, with the cells
// apiextensions' table convertor produces: NAME first, then each column's first JSONPath result
// (strings as kubectl's JSONPath printer writes them, dates as ages, numbers and booleans typed).
import type { PrinterColumn } from '../types';
import { defaultColumns, nameColumn, type Cell } from '../printing';
import { timestampSince } from '../human-duration';
import { compileJsonPath, resultText } from './jsonpath';

export interface CrdPrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Name plus the CRD's columns; the generic Name/Created At table when it declares none. */
export function printerColumnsOf(columns: CrdPrinterColumn[] | undefined): PrinterColumn[] {
  if (!columns?.length) return defaultColumns();
  return [nameColumn(), ...columns.map(toColumn)];
}

function toColumn(c: CrdPrinterColumn): PrinterColumn {
  const path = compileJsonPath(c.jsonPath);
  const type = (['string', 'integer', 'number', 'boolean', 'date'].includes(c.type) ? c.type : 'string') as PrinterColumn['type'];
  return {
    name: c.name,
    type,
    format: c.format ?? '',
    description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
    priority: c.priority ?? 0,
    cell: (obj, now) => {
      const found = path(obj);
      if (!found.length || found[0] === undefined) return null;
      return cellFor(type, found[0], now);
    },
  };
}

function cellFor(type: PrinterColumn['type'], v: unknown, now: number): Cell {
  if (v === null) return null;
  switch (type) {
    case 'string':
      return resultText(v);
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      if (typeof v !== 'string') return null;
      return Number.isNaN(Date.parse(v)) ? '<invalid>' : timestampSince(v, now);
  }
}
