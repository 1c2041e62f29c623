// Server-side apply conflicts under the editor: each field with the manager that owns it,
// beside the Force apply button that takes them over.
import type { FieldConflict } from './apply-conflicts';

export function ConflictTable({ conflicts }: { conflicts: FieldConflict[] }) {
  return (
    <table className="mini editor-conflicts" data-testid="ssa-conflicts">
      <thead>
        <tr>
          <th>Field</th>
          <th>Managed by</th>
        </tr>
      </thead>
      <tbody>
        {conflicts.map((c) => (
          <tr key={c.field} data-testid="ssa-conflict" data-field={c.field}>
            <td className="mono">{c.field}</td>
            <td className="mono">{c.manager}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
