// The "restart clusters that crash" setting (issue 17), kept by the host in app-settings.json:
// a checkbox item in a cluster's menu and a checkbox on the crash notice. It applies to every
// local cluster of this app; the host reads it at each crash.
import { useEffect, useState } from 'react';
import { errorText } from '../k8s/errors';
import { useServices } from '../state/services';

function useCrashRestartSetting(): [boolean | undefined, (on: boolean) => void] {
  const services = useServices();
  const toast = (text: string, tone?: 'bad') => services.store.getState().toast(text, tone);
  const [on, setOn] = useState<boolean>();
  useEffect(() => {
    let live = true;
    services.host.settings().then(
      (s) => live && setOn(s.restartCrashedClusters),
      () => live && setOn(undefined),
    );
    return () => {
      live = false;
    };
  }, [services]);
  const save = (next: boolean) => {
    setOn(next);
    services.host.saveSettings({ restartCrashedClusters: next }).then(
      (s) => {
        setOn(s.restartCrashedClusters);
        toast(s.restartCrashedClusters ? 'Clusters that crash are restarted automatically.' : 'Clusters that crash stay stopped.');
      },
      (e) => {
        setOn(!next);
        toast(`Could not save the setting: ${errorText(e)}`, 'bad');
      },
    );
  };
  return [on, save];
}

export const CRASH_RESTART_LABEL = 'Restart clusters that crash';

/** A menu item (role menuitemcheckbox). */
export function CrashRestartMenuItem({ close }: { close: () => void }) {
  const [on, save] = useCrashRestartSetting();
  return (
    <button
      role="menuitemcheckbox"
      aria-checked={!!on}
      data-testid="setting-restart-crashed"
      disabled={on === undefined}
      title="Applies to every local cluster of this app: one that dies unexpectedly is started again (at most 3 times in 10 minutes)"
      onClick={() => {
        close();
        save(!on);
      }}
    >
      {on ? '✓ ' : ''}
      {CRASH_RESTART_LABEL}
    </button>
  );
}

/** A checkbox (the crash notice). */
export function CrashRestartCheckbox() {
  const [on, save] = useCrashRestartSetting();
  if (on === undefined) return null;
  return (
    <label className="row-flex small">
      <input type="checkbox" data-testid="setting-restart-crashed-checkbox" checked={on} onChange={(e) => save(e.target.checked)} />{' '}
      {CRASH_RESTART_LABEL} automatically
    </label>
  );
}
