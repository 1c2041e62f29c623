// The host's Helm actions (electron/host/helm/helm-actions.ts): whether a helm binary is there,
// and upgrade / rollback / uninstall through it. Kept apart from host-client.ts: only the releases view uses it.
import type { HelmActionResult, HelmInfo } from '../../electron/host/protocol';
import type { FetchFn } from '../k8s/client';
import { hostErrorMessage } from './host-client';

export interface HelmClient {
  info(): Promise<HelmInfo>;
  rollback(profile: string, at: { namespace: string; release: string }, revision: number): Promise<HelmActionResult>;
  uninstall(profile: string, at: { namespace: string; release: string }): Promise<HelmActionResult>;
  /** The same chart with these values (YAML), in place of the release's old ones. */
  upgrade(profile: string, at: { namespace: string; release: string }, values: string): Promise<HelmActionResult>;
}

export function createHelmClient(fetch: FetchFn): HelmClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const text = await res.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    if (!res.ok) throw hostErrorMessage(res.status, data, `${method} ${path}`);
    return data as T;
  }
  const path = (profile: string, action: string) => `/api/helm/${encodeURIComponent(profile)}/${action}`;
  return {
    info: () => call('GET', '/api/helm'),
    rollback: (profile, at, revision) => call('POST', path(profile, 'rollback'), { ...at, revision }),
    uninstall: (profile, at) => call('POST', path(profile, 'uninstall'), at),
    upgrade: (profile, at, values) => call('POST', path(profile, 'upgrade'), { ...at, values }),
  };
}
