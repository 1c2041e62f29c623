// Clusters (local ones with their menu, then kubeconfig profiles grouped by source, "+ Import")
// and the selected cluster's resource tree: built-in sections, custom resources by API group
// (from its CRDs), then every other kind discovery reports.
import { useMemo, useState } from 'react';
import type { LocalCluster, ProfileSummary } from '../../electron/host/protocol';
import { navLabel, navSections, resourceId } from '../k8s/resources';
import type { ApiResource } from '../k8s/types';
import { accessQuery } from '../k8s/access';
import { localProfile } from '../state/app-store';
import { useApp } from '../state/services';
import { useAccess } from '../state/use-access';
import { ClusterMenu } from './cluster-menu';
import { MapNav } from './map/map-nav';
import { ImportDialog } from './profiles/import-dialog';
import { localProfileNames } from './profiles/profile-groups';
import { useCustomGroups } from '../state/use-custom-groups';
import { ProfileList } from './profiles/profile-list';
import { ProfileOverlays } from './profiles/profile-overlays';
import './profiles/profiles.css';

const clusterTone: Record<string, string> = { running: 'ok', starting: 'warn', stopping: 'warn', failed: 'bad', stopped: '' };
const profileTone: Record<string, string> = { ready: 'ok', starting: 'warn', unreachable: 'bad', stopped: '', unknown: '' };

interface Entry {
  profile: string;
  label: string;
  tone: string;
  cluster?: LocalCluster;
  simulated?: boolean;
  title?: string;
}

export function clusterEntries(clusters: Record<string, LocalCluster>, profiles: ProfileSummary[]): Entry[] {
  const out: Entry[] = Object.values(clusters).map((c) => ({
    profile: localProfile(c),
    label: c.name,
    tone: clusterTone[c.state] ?? '',
    cluster: c,
    simulated: c.runtime === 'simulated',
    title: `${c.name}: ${c.state}`,
  }));
  const known = new Set(out.map((e) => e.profile));
  for (const p of profiles) {
    if (known.has(p.name)) continue;
    out.push({
      profile: p.name,
      label: p.name,
      tone: profileTone[p.status] ?? '',
      simulated: p.simulated,
      title: `${p.server ?? ''} ${p.status}${p.reason ? `: ${p.reason}` : ''}`,
    });
  }
  return out;
}

function NavItem({ r, testId }: { r: ApiResource; testId: string }) {
  const view = useApp((s) => s.view);
  const showList = useApp((s) => s.showList);
  const namespace = useApp((s) => s.namespace);
  // Kinds that cannot be listed at all (reviews, token requests) are not an RBAC question.
  const listable = !r.verbs.length || r.verbs.includes('list');
  // Low priority: one check per kind, and the open view's reads should not queue behind them.
  const access = useAccess(listable ? accessQuery(r, 'list', namespace) : undefined, 'low');
  const denied = access && !access.allowed ? access.reason : undefined;
  const active = view.kind === 'list' && view.resource.name === r.name && view.resource.group === r.group;
  // Refused: still focusable (aria-disabled, not disabled) so the reason can be read by hover or a screen reader.
  return (
    <button
      className={`nav-item${active ? ' active' : ''}${denied ? ' denied' : ''}`}
      data-testid={testId}
      aria-disabled={denied ? true : undefined}
      aria-description={denied}
      data-rbac-denied={denied}
      onClick={() => !denied && showList(r)}
      title={denied ?? `${r.kind} (${r.group || 'core'}/${r.version})`}
    >
      {navLabel(r)}
    </button>
  );
}

function HelmNav({ closed, toggle }: { closed: boolean; toggle: () => void }) {
  const active = useApp((s) => s.view.kind === 'helm');
  const showHelm = useApp((s) => s.showHelm);
  return (
    <div className="nav-group">
      <button className="group-toggle" onClick={toggle} aria-expanded={!closed}>
        {closed ? '▸' : '▾'} Helm
      </button>
      {!closed && (
        <button className={`nav-item${active ? ' active' : ''}`} data-testid="nav-helm-releases" onClick={() => showHelm()}>
          Releases
        </button>
      )}
    </div>
  );
}

function ResourceTree({ profile }: { profile: string }) {
  const discovery = useApp((s) => s.discovery[profile]);
  const view = useApp((s) => s.view);
  const showOverview = useApp((s) => s.showOverview);
  const [closed, setClosed] = useState<Record<string, boolean>>({ 'All kinds': true });
  const discovered = discovery?.resources ?? [];
  const byId = useMemo(() => new Map(discovered.map((r) => [resourceId(r), r])), [discovered]);
  const sections = navSections.map((s) => ({ ...s, items: s.items.map((r) => byId.get(resourceId(r)) ?? r) }));
  const inTree = new Set(navSections.flatMap((s) => s.items.map(resourceId)));
  const custom = useCustomGroups(profile);
  const customIds = new Set((custom ?? []).flatMap((g) => g.items.map(resourceId)));
  const others = discovered
    .filter((r) => !inTree.has(resourceId(r)) && !customIds.has(resourceId(r)))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group));
  const plurals = new Map<string, number>();
  for (const r of [...navSections.flatMap((s) => s.items), ...others, ...(custom ?? []).flatMap((g) => g.items)])
    plurals.set(r.name, (plurals.get(r.name) ?? 0) + 1);
  const toggle = (t: string) => setClosed({ ...closed, [t]: !closed[t] });
  return (
    <nav aria-label="Resources">
      <div className="section-title">Resources</div>
      <button className={`nav-item top${view.kind === 'overview' ? ' active' : ''}`} data-testid="nav-overview" onClick={showOverview}>
        Overview
      </button>
      <MapNav />
      {sections.map((s) => (
        <div className="nav-group" key={s.title}>
          <button className="group-toggle" onClick={() => toggle(s.title)} aria-expanded={!closed[s.title]}>
            {closed[s.title] ? '▸' : '▾'} {s.title}
          </button>
          {!closed[s.title] && s.items.map((r) => <NavItem key={resourceId(r)} r={r} testId={`nav-${r.name}`} />)}
        </div>
      ))}
      <HelmNav closed={!!closed.Helm} toggle={() => toggle('Helm')} />
      {custom?.length ? (
        <div className="nav-group" data-testid="nav-custom-resources">
          <button className="group-toggle" onClick={() => toggle('Custom resources')} aria-expanded={!closed['Custom resources']}>
            {closed['Custom resources'] ? '▸' : '▾'} Custom resources
          </button>
          {!closed['Custom resources'] &&
            custom.map((g) => (
              <div key={g.group} data-testid="nav-crd-group" data-group={g.group}>
                <div className="muted small" style={{ padding: '2px 20px' }} title={`API group ${g.group}`}>
                  {g.group}
                </div>
                {g.items.map((r) => (
                  <NavItem
                    key={resourceId(r)}
                    r={r}
                    testId={(plurals.get(r.name) ?? 0) > 1 ? `nav-${r.name}.${r.group}` : `nav-${r.name}`}
                  />
                ))}
              </div>
            ))}
        </div>
      ) : null}
      <div className="nav-group">
        <button
          className="group-toggle"
          data-testid="nav-all-kinds"
          onClick={() => toggle('All kinds')}
          aria-expanded={!closed['All kinds']}
        >
          {closed['All kinds'] ? '▸' : '▾'} All kinds{' '}
          {discovery?.loading ? <span className="muted small">…</span> : <span className="muted small">({others.length})</span>}
        </button>
        {!closed['All kinds'] &&
          others.map((r) => (
            <NavItem key={resourceId(r)} r={r} testId={(plurals.get(r.name) ?? 0) > 1 ? `nav-${r.name}.${r.group}` : `nav-${r.name}`} />
          ))}
        {discovery?.error && (
          <div className="small tone-bad" style={{ padding: '2px 20px' }}>
            {discovery.error}
          </div>
        )}
      </div>
    </nav>
  );
}

export function Sidebar() {
  const clusters = useApp((s) => s.clusters);
  const profiles = useApp((s) => s.profiles);
  const profile = useApp((s) => s.profile);
  const selectProfile = useApp((s) => s.selectProfile);
  const showStart = useApp((s) => s.showStart);
  const [importing, setImporting] = useState(false);
  const localNames = localProfileNames(clusters, profiles);
  // Local clusters here; kubeconfig profiles below, grouped by their file.
  const entries = clusterEntries(
    clusters,
    profiles.filter((p) => p.source !== 'kubeconfig' || localNames.has(p.name)),
  );
  return (
    <aside className="sidebar" data-testid="sidebar">
      <div className="section-title">
        Clusters{' '}
        <button
          className="ghost small"
          data-testid="import-button"
          title="Import kubeconfig files or folders"
          onClick={() => setImporting(true)}
        >
          + Import
        </button>
      </div>
      {entries.map((e) => (
        <div
          key={e.profile}
          className={`cluster-entry${e.profile === profile ? ' active' : ''}`}
          data-testid={`cluster-${e.label}`}
          title={e.title}
        >
          <span className={`dot ${e.tone}`} />
          <button className="name" onClick={() => selectProfile(e.profile)}>
            {e.label}
          </button>
          {e.simulated && (
            <span className="tag warn" data-testid="simulated-tag" title="Simulated nodes: pods run no processes">
              sim
            </span>
          )}
          {e.cluster && <ClusterMenu cluster={e.cluster} />}
        </div>
      ))}
      <button className="nav-item top muted" data-testid="new-cluster" onClick={showStart}>
        + New local cluster
      </button>
      <ProfileList localNames={localNames} />
      {profile && <ResourceTree profile={profile} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
      <ProfileOverlays />
    </aside>
  );
}
