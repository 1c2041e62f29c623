// Where kubeconfig profiles keep their state, shared by the app and `skiff profiles`:
// <dataDir>/profiles/{sources.json, consent.json, settings.json, key, copies/}. All 0600/0700.
import { join } from 'node:path';

export interface ProfilePaths {
  dir: string;
  sources: string;
  consent: string;
  settings: string;
  key: string;
  copies: string;
}

export function profilePaths(dataDir: string): ProfilePaths {
  const dir = join(dataDir, 'profiles');
  return {
    dir,
    sources: join(dir, 'sources.json'),
    consent: join(dir, 'consent.json'),
    settings: join(dir, 'settings.json'),
    key: join(dir, 'key'),
    copies: join(dir, 'copies'),
  };
}
