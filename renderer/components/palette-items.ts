// The palette's fixed entries, before any object: actions on the selected object, the views
// (Overview, the resource map), every kind, the other clusters and the namespaces.
import { navLabel, navSections, resourceId } from '../k8s/resources';
import type { ApiResource } from '../k8s/types';
import type { AppState } from '../state/app-store';
import type { Selection } from '../state/types';
import type { ProfileSummary } from '../../electron/host/protocol';
import { actionsFor, type ObjectAction } from './object-actions';
import type { PaletteItem } from './palette-search';

const actionLabel: Record<ObjectAction, string> = { logs: 'Logs of', shell: 'Shell in', edit: 'Edit YAML of', delete: 'Delete' };

export interface PaletteContext {
  profile?: string;
  namespace: string;
  discovered?: ApiResource[];
  selection?: Selection;
  /** Why each of the selection's actions (actionsFor order) is refused, '' when allowed or not known yet. */
  denied: string[];
  profiles: ProfileSummary[];
  namespaces: string[];
  nav: Pick<AppState, 'showOverview' | 'showMap' | 'showStart' | 'showList' | 'selectProfile' | 'setNamespace'>;
  runAction(selection: Selection, action: ObjectAction): void;
}

export function paletteItems(c: PaletteContext): PaletteItem[] {
  const { nav, selection, profile } = c;
  const kinds = new Map<string, ApiResource>();
  for (const r of [...navSections.flatMap((s) => s.items), ...(c.discovered ?? [])]) kinds.set(resourceId(r), r);
  const out: PaletteItem[] = [];
  if (selection) {
    const what = `${selection.resource.kind} ${selection.name}`;
    actionsFor(selection).forEach((a, i) =>
      out.push({
        id: `act:${a}`,
        label: `${actionLabel[a]} ${what}`,
        hint: c.denied[i] ? `not allowed: ${c.denied[i]}` : 'action',
        denied: c.denied[i] || undefined,
        run: () => c.runAction(selection, a),
      }),
    );
  }
  if (profile) {
    out.push({ id: 'overview', label: 'Overview', hint: 'view', run: () => nav.showOverview() });
    out.push({
      id: 'map',
      label: 'Map',
      hint: `view · resource map of ${c.namespace ? `namespace ${c.namespace}` : 'all namespaces'}`,
      run: () => nav.showMap(),
    });
  }
  out.push({ id: 'new-cluster', label: 'New local cluster', hint: 'action', run: () => nav.showStart() });
  for (const r of kinds.values())
    out.push({
      id: `kind:${resourceId(r)}`,
      label: navLabel(r),
      hint: `${r.kind} · ${r.group || 'core'}/${r.version}`,
      run: () => nav.showList(r),
    });
  for (const p of c.profiles)
    if (p.name !== profile)
      out.push({
        id: `profile:${p.name}`,
        label: `Switch to ${p.name}`,
        hint: `${p.source === 'local' ? 'cluster' : 'profile'} · ${p.status}`,
        run: () => nav.selectProfile(p.name),
      });
  if (profile) {
    out.push({ id: 'ns:', label: 'All namespaces', hint: 'namespace', run: () => nav.setNamespace('') });
    for (const name of c.namespaces)
      out.push({ id: `ns:${name}`, label: `Namespace ${name}`, hint: 'namespace', run: () => nav.setNamespace(name) });
  }
  return out;
}
