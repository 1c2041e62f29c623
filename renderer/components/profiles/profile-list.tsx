// The sidebar's kubeconfig profiles, grouped by the file or folder they come from: a status dot,
// the reason when not ready, duplicates with their @file names, each file's problems, and the
// menus of profiles and sources.
import { useState } from 'react';
import type { ProfileSummary } from '../../../electron/host/protocol';
import { useApp, useServices } from '../../state/services';
import { ConfirmDialog } from '../confirm-dialog';
import { PopupMenu } from './popup-menu';
import { ProfileMenu } from './profile-menu';
import { profileGroups, profileNote, profileTone, type ProfileGroup } from './profile-groups';

function entryTitle(p: ProfileSummary): string {
  const lines = [p.server ?? '', `${p.status}${p.reason ? `: ${p.reason}` : ''}`];
  if (p.status === 'ready')
    lines.push(
      [p.serverVersion, p.nodeCount === undefined ? '' : `${p.nodeCount} node${p.nodeCount === 1 ? '' : 's'}`].filter(Boolean).join(' · '),
    );
  if (p.file) lines.push(`${p.file}${p.context && p.context !== p.name ? ` (context ${p.context})` : ''}`);
  return lines.filter(Boolean).join('\n');
}

function ProfileEntry({ p }: { p: ProfileSummary }) {
  const active = useApp((s) => s.profile === p.name);
  const selectProfile = useApp((s) => s.selectProfile);
  const note = profileNote(p);
  const tone = p.error ? 'bad' : profileTone[p.status];
  return (
    <div
      className={`profile-entry${active ? ' active' : ''}`}
      data-testid="profile-entry"
      data-profile={p.name}
      data-status={p.status}
      title={entryTitle(p)}
    >
      <div className="cluster-entry">
        <span className={`dot ${tone}`} />
        <button className="name" data-testid="profile-select" onClick={() => selectProfile(p.name)}>
          {p.name}
        </button>
        {p.duplicateOf && (
          <span className="tag" title={`Another file also has a context named "${p.context}" (shown as ${p.duplicateOf})`}>
            dup
          </span>
        )}
        {p.exec && (
          <span className="tag" title={p.exec.consented ? `Runs ${p.exec.command} (allowed)` : `Runs ${p.exec.command}: not allowed yet`}>
            {p.exec.consented ? 'exec' : 'exec?'}
          </span>
        )}
        <ProfileMenu p={p} />
      </div>
      {note && (
        <div className={`profile-note${tone === 'bad' ? ' tone-bad' : ' muted'}`} data-testid="profile-reason">
          {note}
        </div>
      )}
    </div>
  );
}

function SourceMenu({ g }: { g: ProfileGroup }) {
  const { host } = useServices();
  const toast = useApp((s) => s.toast);
  const [confirm, setConfirm] = useState(false);
  const s = g.source;
  if (!s) return null;
  const isDefault = s.kind === 'default';
  return (
    <>
      <PopupMenu testId={`source-menu-${s.id}`} label={`Menu of ${g.label}`}>
        {(close) => (
          <button
            data-testid="source-remove"
            className="danger"
            onClick={() => {
              close();
              setConfirm(true);
            }}
          >
            {isDefault ? 'Stop reading it…' : 'Remove…'}
          </button>
        )}
      </PopupMenu>
      {confirm && (
        <ConfirmDialog
          title={isDefault ? 'Stop reading your default kubeconfig?' : `Remove ${g.label}?`}
          confirmLabel={isDefault ? 'Stop reading' : 'Remove'}
          danger
          onClose={() => setConfirm(false)}
          onConfirm={async () => {
            await host.removeProfileSource(s.id);
            toast(`Removed ${s.label} from Skiff`);
          }}
        >
          Its {s.profiles.length} profile{s.profiles.length === 1 ? '' : 's'} leave{s.profiles.length === 1 ? 's' : ''} the list.{' '}
          {s.kind === 'copy' || s.kind === 'paste' ? (
            "Skiff's encrypted copy is deleted."
          ) : (
            <>
              The file <code>{s.label}</code> itself is not changed.
            </>
          )}
          {isDefault && ' "+ Import" can read it again.'}
        </ConfirmDialog>
      )}
    </>
  );
}

export function ProfileList({ localNames }: { localNames: Set<string> }) {
  const profiles = useApp((s) => s.profiles);
  const sources = useApp((s) => s.profileSources);
  const groups = profileGroups(profiles, sources, localNames);
  return (
    <>
      {groups.map((g) => (
        <div key={g.id} className="source-group" data-testid="source-group" data-source={g.id}>
          <div
            className="source-title"
            title={`${g.title}${g.source ? (g.source.watched ? '\nwatched: edits show up at once' : '\nstored in Skiff, encrypted') : ''}`}
          >
            <span className="grow">{g.label}</span>
            <SourceMenu g={g} />
          </div>
          {g.profiles.map((p) => (
            <ProfileEntry key={p.name} p={p} />
          ))}
          {g.problems.map((e, i) => (
            <div key={i} className="source-error tone-bad" data-testid="source-error" role="note">
              <span className="mono">{e.file}</span>
              {e.context ? ` (context ${e.context})` : ''}: {e.problem}
            </div>
          ))}
        </div>
      ))}
    </>
  );
}
