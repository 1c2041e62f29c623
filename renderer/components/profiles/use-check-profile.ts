// "Check again": POST .../check; the verdict reaches every view through the 'profiles' event,
// and a toast says it at once. Checks of other profiles go on meanwhile.
import { useCallback } from 'react';
import type { ProfileCheck } from '../../../electron/host/protocol';
import { errorText } from '../../k8s/errors';
import { useApp, useServices } from '../../state/services';

export function checkVerdict(c: ProfileCheck): string {
  if (!c.ok) return `${c.profile}: ${c.reason ?? c.status}`;
  const parts = [c.serverVersion, c.nodeCount === undefined ? undefined : `${c.nodeCount} node${c.nodeCount === 1 ? '' : 's'}`].filter(
    Boolean,
  );
  return `${c.profile} is ready${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export function useCheckProfile(): (name: string) => Promise<ProfileCheck | undefined> {
  const { host } = useServices();
  const toast = useApp((s) => s.toast);
  const loadDiscovery = useApp((s) => s.loadDiscovery);
  return useCallback(
    async (name: string) => {
      try {
        const c = await host.checkProfile(name);
        toast(checkVerdict(c), c.ok ? 'ok' : 'bad');
        if (c.ok) loadDiscovery(name, true);
        return c;
      } catch (e) {
        toast(`Could not check ${name}: ${errorText(e)}`, 'bad');
        return undefined;
      }
    },
    [host, toast, loadDiscovery],
  );
}
