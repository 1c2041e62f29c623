// Who made a request, as authentication found it (the idea of k8s.io/apiserver's user.Info).
export interface UserInfo {
  user: string;
  groups: string[];
  /** Set for service accounts (the ServiceAccount's UID), as upstream's user.Info GetUID. */
  uid?: string;
  /** Extra attributes (a service-account token's pod name/uid and credential id). */
  extra?: Record<string, string[]>;
}
