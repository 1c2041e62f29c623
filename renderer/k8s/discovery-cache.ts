// Each profile's discovered kinds kept in the tab's sessionStorage: a reload knows every kind
// at once (the sidebar, a custom resource's route) instead of after a request per API group.
// The store reads discovery again soon after (navigation-slice.ts), so kinds added or removed
// meanwhile still show. A storage that refuses (quota, disabled) just keeps nothing.
import type { ApiResource } from './types';

export interface DiscoveryCache {
  get(profile: string): ApiResource[] | undefined;
  set(profile: string, resources: ApiResource[]): void;
}

const keyOf = (profile: string) => `skiff.discovery.${profile}`;

const isResource = (r: unknown): r is ApiResource => {
  const x = r as ApiResource;
  return (
    !!x &&
    typeof x.group === 'string' &&
    typeof x.version === 'string' &&
    typeof x.name === 'string' &&
    typeof x.kind === 'string' &&
    typeof x.namespaced === 'boolean' &&
    Array.isArray(x.verbs) &&
    Array.isArray(x.shortNames)
  );
};

export function createDiscoveryCache(storage: Pick<Storage, 'getItem' | 'setItem'>): DiscoveryCache {
  return {
    get(profile) {
      try {
        const v = JSON.parse(storage.getItem(keyOf(profile)) ?? 'null') as unknown;
        return Array.isArray(v) && v.length && v.every(isResource) ? v : undefined;
      } catch {
        return undefined;
      }
    },
    set(profile, resources) {
      try {
        storage.setItem(keyOf(profile), JSON.stringify(resources));
      } catch {
        /* nothing kept: the next reload asks the server */
      }
    },
  };
}
