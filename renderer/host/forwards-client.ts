// The host's port-forward and local-terminal API (paths in electron/host/protocol.ts).
import type { LocalTerminalInfo, PortForward, PortForwardRequest } from '../../electron/host/protocol';
import type { FetchFn } from '../k8s/client';
import { HostRequestError, hostErrorMessage } from './host-client';

export interface ForwardsClient {
  list(): Promise<PortForward[]>;
  start(req: PortForwardRequest): Promise<PortForward>;
  stop(id: string): Promise<void>;
  /** Resolves when a local terminal can start for the profile; rejects saying why not. */
  terminalInfo(profile: string): Promise<LocalTerminalInfo>;
}

export const localTerminalPath = (profile: string, cols: number, rows: number) =>
  `/api/terminals/local?profile=${encodeURIComponent(profile)}&cols=${cols}&rows=${rows}`;

export function createForwardsClient(fetch: FetchFn, origin = ''): ForwardsClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await fetch(origin + path, {
        method,
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new HostRequestError(
        `The Skiff host did not answer ${what} (${(e as Error).message}).`,
        0,
        'Is the app still running? Restart it and reload this window.',
      );
    }
    const text = await res.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    if (!res.ok) throw hostErrorMessage(res.status, data, what);
    return data as T;
  }
  return {
    list: () => call('GET', '/api/port-forwards'),
    start: (req) => call('POST', '/api/port-forwards', req),
    stop: async (id) => {
      await call('DELETE', `/api/port-forwards/${encodeURIComponent(id)}`);
    },
    terminalInfo: (profile) => call('GET', `/api/terminals/local?profile=${encodeURIComponent(profile)}`),
  };
}
