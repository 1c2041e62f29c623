// The app's own settings in <data dir>/app-settings.json (today: restartCrashedClusters, read by
// crash-restarts.ts at each crash), read and changed through GET/PUT /api/settings. A PUT
// changes only the keys it names; anything else in the file is kept as it was.
import { join } from 'node:path';
import { HostHttpError } from '../http/http-util';
import { readJsonFile, writeJsonFile } from '../profiles/json-file';
import type { AppSettings } from '../protocol';

export interface AppSettingsFile {
  read(): AppSettings;
  write(body: unknown): AppSettings;
}

const KEYS: Record<keyof AppSettings, 'boolean'> = { restartCrashedClusters: 'boolean' };

export function createAppSettingsFile(dataDir: string): AppSettingsFile {
  const path = join(dataDir, 'app-settings.json');
  const raw = () => {
    const v = readJsonFile<unknown>(path, {});
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  };
  const read = (): AppSettings => ({ restartCrashedClusters: raw().restartCrashedClusters === true });
  return {
    read,
    write(body) {
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new HostHttpError(400, 'settings must be a JSON object', 'send e.g. {"restartCrashedClusters": true}');
      for (const [k, v] of Object.entries(body)) {
        const type = KEYS[k as keyof AppSettings];
        if (!type) throw new HostHttpError(400, `unknown setting "${k}"`, `known settings: ${Object.keys(KEYS).join(', ')}`);
        if (typeof v !== type) throw new HostHttpError(400, `setting "${k}" must be a ${type} (got ${JSON.stringify(v)})`);
      }
      writeJsonFile(path, { ...raw(), ...body });
      return read();
    },
  };
}
