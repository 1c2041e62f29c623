// Who made a request, as authentication found it (the idea of k8s.io/apiserver's user.Info).
export interface UserInfo {
  user: string;
  groups: string[];
}
