// Which CRDs' names are accepted (upstream's naming controller): names once accepted stay with
// their CRD; otherwise, within a group, the first CRD (oldest, then by name) to claim a plural or
// kind keeps it, and a later one gets NamesAccepted=False.
import type { KindDef, KubeObject } from '../../kinds/types';

export interface NamesVerdict {
  accepted: boolean;
  reason: string;
  message: string;
}

export function judgeNames(crds: KubeObject[], builtin: KindDef[]): Map<string, NamesVerdict> {
  const held = (c: KubeObject) => (c.status?.acceptedNames?.plural ? 0 : 1);
  const order = [...crds].sort(
    (a, b) =>
      held(a) - held(b) ||
      String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
      String(a.metadata.name).localeCompare(String(b.metadata.name)),
  );
  const plurals = new Set(builtin.map((d) => `${d.group}/${d.plural}`));
  const kinds = new Set(builtin.map((d) => `${d.group}/${d.kind}`));
  const out = new Map<string, NamesVerdict>();
  for (const crd of order) {
    const group = crd.spec?.group;
    const names = crd.spec?.names ?? {};
    let verdict: NamesVerdict = { accepted: true, reason: 'NoConflicts', message: 'no conflicts found' };
    if (plurals.has(`${group}/${names.plural}`)) {
      verdict = { accepted: false, reason: 'PluralConflict', message: `"${names.plural}" is already in use` };
    } else if (kinds.has(`${group}/${names.kind}`)) {
      verdict = { accepted: false, reason: 'KindConflict', message: `"${names.kind}" is already in use` };
    } else {
      plurals.add(`${group}/${names.plural}`);
      kinds.add(`${group}/${names.kind}`);
    }
    out.set(crd.metadata.name!, verdict);
  }
  return out;
}
