// Emits 'profiles' (local and kubeconfig profiles together) and 'profile-sources' whenever
// they change: after cluster events (local profiles follow their clusters) and after the
// kubeconfig registry changed (files edited, checks done, consent given).
import type { EventHub } from '../http/event-hub';
import type { ProfileSource, ProfileSummary } from '../protocol';

export interface ProfileEventsOptions {
  hub: EventHub;
  list: () => ProfileSummary[];
  sources: () => ProfileSource[];
  /** Subscribes to the kubeconfig registry's changes; returns the unsubscribe function. */
  onKubeconfigChange: (listener: () => void) => () => void;
  log?: (line: string) => void;
}

export function createProfileEvents(o: ProfileEventsOptions): { close(): void } {
  let lastProfiles = JSON.stringify(o.list());
  let lastSources = JSON.stringify(o.sources());
  const update = () => {
    try {
      const profiles = o.list();
      const p = JSON.stringify(profiles);
      if (p !== lastProfiles) {
        lastProfiles = p;
        o.hub.emit({ type: 'profiles', profiles });
      }
      const sources = o.sources();
      const s = JSON.stringify(sources);
      if (s !== lastSources) {
        lastSources = s;
        o.hub.emit({ type: 'profile-sources', sources });
      }
    } catch (err) {
      o.log?.(`host: profile events failed: ${(err as Error)?.message ?? err}`);
    }
  };
  const offHub = o.hub.subscribe((ev) => {
    if (ev.type !== 'profiles' && ev.type !== 'profile-sources') update();
  });
  const offKube = o.onKubeconfigChange(update);
  return {
    close() {
      offHub();
      offKube();
    },
  };
}
