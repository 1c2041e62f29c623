// Who makes a write over HTTP, and where admission's warnings for it go. The handlers pass one
// with each create, update and patch (resource-store hands it to every admission plugin); the
// cluster's in-process callers (controllers, the scheduler) pass none: no user, nobody to warn.
import type { UserInfo } from '../../apimachinery/user-info';

export interface AdmissionRequest {
  user: UserInfo;
  /** Adds one `Warning:` header line (kubectl prints it); repeats are dropped. */
  warn(text: string): void;
  /** Annotates the request's audit event; a no-op while the cluster keeps no audit log. */
  annotate(key: string, value: string): void;
}

/** A request whose warnings go to `add` (each text once: retried writes admit again). */
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
