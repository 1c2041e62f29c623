// The "restart clusters that crash" setting: a cluster process that dies unexpectedly is started
// again by the app, at most `max` times per `windowMs` per cluster, so a cluster that crashes on
// every start ends in the crash notice instead of a loop. The setting lives in the app's
// app-settings.json (`{"restartCrashedClusters": true}`), read at each crash.
import { join } from 'node:path';
import { readJsonFile } from '../profiles/json-file';

export interface CrashRestarts {
  /** Whether this crash of `name` is restarted now (and counted); false: show the crash notice. */
  allow(name: string): boolean;
  /** Why it was not (the setting is on but the limit is reached), for the notice. */
  refused(name: string): string | undefined;
}

export interface CrashRestartsOptions {
  enabled: () => boolean;
  max?: number;
  windowMs?: number;
  now?: () => number;
}

export function createCrashRestarts(o: CrashRestartsOptions): CrashRestarts {
  const max = o.max ?? 3;
  const windowMs = o.windowMs ?? 10 * 60_000;
  const now = o.now ?? Date.now;
  const times = new Map<string, number[]>();
  const recent = (name: string) => (times.get(name) ?? []).filter((t) => now() - t < windowMs);
  return {
    allow(name) {
      if (!o.enabled()) return false;
      const r = recent(name);
      if (r.length >= max) return false;
      times.set(name, [...r, now()]);
      return true;
    },
    refused(name) {
      if (!o.enabled() || recent(name).length < max) return undefined;
      return `It was restarted automatically ${max} times in ${Math.round(windowMs / 60_000)} minutes; not again until you start it`;
    },
  };
}

/** The setting from <app data dir>/app-settings.json; a damaged or missing file means off. */
export function restartSettingIn(dataDir: string): () => boolean {
  return () => {
    try {
      return readJsonFile<{ restartCrashedClusters?: unknown }>(join(dataDir, 'app-settings.json'), {}).restartCrashedClusters === true;
    } catch {
      return false;
    }
  };
}
