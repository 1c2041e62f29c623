// The pod fields Pod Security reads, typed (objects arrive as open JSON; absent means unset),
// and the shared wording helpers of upstream's check messages.

export interface SecurityContextFields {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name?: string }[];
}

export interface ContainerFields {
  name?: string;
  image?: string;
  ports?: { hostPort?: number }[];
  securityContext?: SecurityContextFields;
}

export interface PodSpecFields {
  containers?: ContainerFields[];
  initContainers?: ContainerFields[];
  ephemeralContainers?: ContainerFields[];
  volumes?: ({ name?: string } & Record<string, unknown>)[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContextFields;
  runtimeClassName?: string;
  os?: { name?: string };
}

export interface PodMetaFields {
  name?: string;
  annotations?: Record<string, string>;
  ownerReferences?: { uid?: string; controller?: boolean }[];
}

/** Init containers, containers, then ephemeral containers, as upstream visits them. */
export function allContainers(spec: PodSpecFields): ContainerFields[] {
  return [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)];
}

/** A field that should be a list; anything else counts as empty (validation reports it). */
export function list<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

export function joinQuote(items: readonly string[]): string {
  return items.length ? `"${items.join('", "')}"` : '';
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersText(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Sorted, distinct (Go's sets.List order). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
