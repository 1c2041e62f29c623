// The sidebar's clusters, in order: local clusters first, then kubeconfig profiles grouped by
// the source (file, folder, copy, pasted text, default kubeconfig) they come from, each group
// with the problems of its files that belong to no listed profile (bad YAML, unreadable files).
import type { LocalCluster, ProfileSource, ProfileSummary, SourceProblem } from '../../../electron/host/protocol';
import { localProfile } from '../../state/app-store';

export interface ProfileGroup {
  /** The source's id ('' for profiles whose source is not known yet). */
  id: string;
  source?: ProfileSource;
  /** Short name for the header; `title` has the whole path. */
  label: string;
  title: string;
  profiles: ProfileSummary[];
  problems: SourceProblem[];
}

export type Tone = 'ok' | 'warn' | 'bad' | '';

export const profileTone: Record<ProfileSummary['status'], Tone> = {
  ready: 'ok',
  starting: 'warn',
  unreachable: 'bad',
  stopped: '',
  unknown: '',
};

const baseName = (p: string) =>
  p
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop() || p;

export function sourceLabel(s: ProfileSource): string {
  switch (s.kind) {
    case 'default':
      return 'Default kubeconfig';
    case 'dir':
      return `${baseName(s.label)}/`;
    case 'copy':
      return `${baseName(s.label.replace(/ \(copy\)$/, ''))} (copy)`;
    case 'paste':
      return s.label.replace(/^pasted: /, 'Pasted: ');
    default:
      return baseName(s.label);
  }
}

/** Kubeconfig profiles grouped by source, in the host's source order; empty sources without problems are left out. */
export function profileGroups(profiles: ProfileSummary[], sources: ProfileSource[], localNames: Set<string>): ProfileGroup[] {
  const kube = profiles.filter((p) => p.source === 'kubeconfig' && !localNames.has(p.name));
  const bySource = new Map<string, ProfileSummary[]>();
  for (const p of kube) {
    const id = sources.some((s) => s.id === p.sourceId) ? (p.sourceId ?? '') : '';
    bySource.set(id, [...(bySource.get(id) ?? []), p]);
  }
  const groups: ProfileGroup[] = sources.map((s) => {
    const list = bySource.get(s.id) ?? [];
    const shown = new Set(list.map((p) => p.context ?? p.name));
    // A context's own problem shows under the profile; the rest (the file's) under the header.
    const problems = s.errors.filter((e) => !e.context || !shown.has(e.context));
    const title = s.kind === 'dir' && s.paths.length ? `${s.label} (${s.paths.length} files)` : s.label;
    return { id: s.id, source: s, label: sourceLabel(s), title, profiles: list, problems };
  });
  const orphans = bySource.get('');
  if (orphans?.length)
    groups.push({ id: '', label: 'Kubeconfig', title: 'Profiles whose source is being read', profiles: orphans, problems: [] });
  return groups.filter((g) => g.profiles.length || g.problems.length);
}

/** The line under a profile that is not ready: why, or what is happening. */
export function profileNote(p: ProfileSummary): string | undefined {
  if (p.status === 'ready') return undefined;
  if (p.error) return p.error;
  if (p.exec && !p.exec.consented) return `needs your consent to run ${baseName(p.exec.command)}`;
  if (p.reason) return p.reason;
  return p.status === 'unknown' ? 'checking…' : p.status;
}

/** Local clusters keep their profile names: a kubeconfig context with that name is the same cluster. */
export function localProfileNames(clusters: Record<string, LocalCluster>, profiles: ProfileSummary[]): Set<string> {
  return new Set([...Object.values(clusters).map(localProfile), ...profiles.filter((p) => p.source === 'local').map((p) => p.name)]);
}
