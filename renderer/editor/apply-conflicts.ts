// Server-side apply conflicts, read from the 409 Status: which fields, owned by which manager,
// in words the editor shows next to its Force button.
import type { Document } from 'yaml';
import { K8sError } from '../k8s/errors';
import { diagnosticAt, type EditorDiagnostic } from './yaml-errors';

/** The field manager the app applies as (what `kubectl get --show-managed-fields` shows). */
export const EDITOR_FIELD_MANAGER = 'skiff';

export interface FieldConflict {
  /** `.spec.replicas`, as the API server prints the path. */
  field: string;
  /** `"kubectl"`, or `"kubectl-edit" using apps/v1`, as the API server names the manager. */
  manager: string;
}

/** The field conflicts of a failed server-side apply; undefined for any other error. */
export function fieldConflicts(e: unknown): FieldConflict[] | undefined {
  if (!(e instanceof K8sError) || e.code !== 409) return undefined;
  const causes = e.causes.filter((c) => c.reason === 'FieldManagerConflict');
  if (!causes.length) return undefined;
  return causes.map((c) => ({ field: c.field ?? '', manager: (c.message ?? '').replace(/^conflict with /, '') }));
}

/** One sentence for the status line: what is owned by whom, and what Force does. */
export function conflictSummary(conflicts: FieldConflict[]): string {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const parts = [...byManager].map(([m, fields]) => `${fields.join(', ')} (managed by ${m})`);
  const n = conflicts.length;
  return `Server-side apply conflict: your manifest changes ${n === 1 ? 'a field' : `${n} fields`} another manager owns: ${parts.join('; ')}. Force apply takes them over; or leave them out of your text.`;
}

/** Each conflict on the line of its field, naming the manager that owns it. */
export function conflictDiagnostics(text: string, doc: Document, conflicts: FieldConflict[]): EditorDiagnostic[] {
  return conflicts.map((c) => diagnosticAt(text, doc, c.field, `${c.field} is managed by ${c.manager}: Force apply takes it over`));
}
