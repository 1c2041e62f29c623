// Who makes the current write over HTTP, and where admission's warnings for it go. The server
// runs each write's handling inside `run`; in-process callers (controllers, the scheduler)
// have no context, so admission sees no user and their warnings go nowhere.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserInfo } from '../../apimachinery/user-info';

export interface AdmissionRequest {
  user: UserInfo;
  /** Adds one `Warning:` header line (kubectl prints it); repeats are dropped. */
  warn(text: string): void;
  /** Annotates the request's audit event; no-op while the cluster keeps no audit log. */
  annotate(key: string, value: string): void;
}

export interface AdmissionRequests {
  run<T>(request: AdmissionRequest, fn: () => T): T;
  current(): AdmissionRequest | undefined;
}

export function createAdmissionRequests(): AdmissionRequests {
  const context = new AsyncLocalStorage<AdmissionRequest>();
  return {
    run: (request, fn) => context.run(request, fn),
    current: () => context.getStore(),
  };
}

/** A request whose warnings become `Warning` header values through `add` (each text once). */
export function collectingRequest(user: UserInfo, add: (text: string) => void): AdmissionRequest {
  const seen = new Set<string>();
  return {
    user,
    warn(text) {
      if (seen.has(text)) return;
      seen.add(text);
      add(text);
    },
    annotate() {},
  };
}
