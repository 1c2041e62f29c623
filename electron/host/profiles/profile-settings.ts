// settings.json: per-profile choices that are not credentials. For now the namespace
// allow-list, offered when the user may not list namespaces (403) instead of an error.
import { HostHttpError } from '../http/http-util';
import { cachedJsonReader, writeJsonFile } from './json-file';

interface SettingsFile {
  version: 1;
  profiles: Record<string, { namespaces?: string[] }>;
}

export interface ProfileSettings {
  namespaces(profile: string): string[];
  setNamespaces(profile: string, namespaces: string[]): string[];
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Trimmed, unique, valid namespace names; a 400 naming the bad one otherwise. */
export function checkNamespaces(value: unknown): string[] {
  if (!Array.isArray(value))
    throw new HostHttpError(400, '"namespaces" must be a list of namespace names', 'send {"namespaces": ["team-a", "team-b"]}');
  if (value.length > 200) throw new HostHttpError(400, `${value.length} namespaces is too many for an allow-list`, 'list at most 200');
  const out: string[] = [];
  for (const v of value) {
    const name = typeof v === 'string' ? v.trim() : '';
    if (!NAMESPACE.test(name)) {
      throw new HostHttpError(
        400,
        `"${String(v)}" is not a namespace name`,
        'namespace names are lowercase letters, digits and "-", at most 63 characters',
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function createProfileSettings(file: string): ProfileSettings {
  const reader = cachedJsonReader<Partial<SettingsFile>>(file, {});
  const read = (): SettingsFile => {
    const f = structuredClone(reader());
    return { version: 1, profiles: f.profiles && typeof f.profiles === 'object' ? f.profiles : {} };
  };
  return {
    namespaces(profile) {
      try {
        const list = read().profiles[profile]?.namespaces;
        return Array.isArray(list) ? list.filter((n) => typeof n === 'string') : [];
      } catch {
        return [];
      }
    },
    setNamespaces(profile, namespaces) {
      const f = read();
      const list = checkNamespaces(namespaces);
      f.profiles[profile] = { ...f.profiles[profile], namespaces: list };
      if (!list.length) delete f.profiles[profile].namespaces;
      if (!Object.keys(f.profiles[profile]).length) delete f.profiles[profile];
      writeJsonFile(file, f);
      return list;
    },
  };
}
