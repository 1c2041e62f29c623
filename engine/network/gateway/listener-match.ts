// Which listener of one of our Gateways a route's parentRef attaches to (pure): the parentRef's
// sectionName/port, the listener accepted and not conflicted, the route's namespace and kind
// allowed there, and host names that intersect (hostnames.ts).
import type { KubeObject } from '../../kinds/types';
import { labelSelectorFromObject } from '../../apimachinery/selectors/label-selector';
import { effectiveHostnames } from './hostnames';
import type { ListenerVerdict } from './listener-verdict';
import type { ListenerConflict } from './listener-conflicts';
import type { ListenerPlace } from './listener-ports';
import { GATEWAY_GROUP } from './gateway-crds';
import { gatewaySpec, routeSpec, type GrpcRouteSpec, type Listener, type ParentRef, type RouteKind } from './gateway-types';

export interface GatewayEntry {
  gw: KubeObject;
  verdicts: ListenerVerdict[];
  conflicts: (ListenerConflict | undefined)[];
  places: ListenerPlace[];
  attached: number[];
}

export const routeParentRefs = (route: KubeObject, kind: RouteKind): ParentRef[] =>
  ((kind === 'GRPCRoute' ? (route.spec as GrpcRouteSpec | undefined)?.parentRefs : routeSpec(route).parentRefs) ?? []).filter(
    (ref) => (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (ref.kind ?? 'Gateway') === 'Gateway',
  );
export const ourParent = (ref: ParentRef, ns: string, gateways: Map<string, GatewayEntry>) =>
  gateways.get(`${ref.namespace ?? ns}/${ref.name}`);

/** Whether listener i serves the route for this parentRef: its host names there, or why not (no reason: not named). */
export function listenerFor(
  g: GatewayEntry,
  i: number,
  ref: ParentRef,
  kind: RouteKind,
  routeNs: string,
  route: KubeObject,
  nsLabels: Map<string, Record<string, string>>,
): { hostnames: string[] } | { reason?: string } {
  const l = (gatewaySpec(g.gw).listeners ?? [])[i];
  if ((ref.sectionName && ref.sectionName !== l.name) || (ref.port && ref.port !== l.port)) return {};
  if (!g.verdicts[i].accepted || g.conflicts[i]) return {};
  if (!kindAllowed(l, kind) || !namespaceAllowed(l, g.gw.metadata.namespace ?? 'default', routeNs, nsLabels))
    return { reason: 'NotAllowedByListeners' };
  const hostnames = effectiveHostnames(l.hostname, (route.spec as { hostnames?: string[] } | undefined)?.hostnames);
  return hostnames.length ? { hostnames } : { reason: 'NoMatchingListenerHostname' };
}

function kindAllowed(l: Listener, kind: RouteKind): boolean {
  const kinds = l.allowedRoutes?.kinds;
  return !kinds?.length || kinds.some((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === kind);
}

function namespaceAllowed(l: Listener, gwNs: string, routeNs: string, labels: Map<string, Record<string, string>>): boolean {
  const ns = l.allowedRoutes?.namespaces;
  const from = ns?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return gwNs === routeNs;
  try {
    return labelSelectorFromObject(ns?.selector as never).matches(labels.get(routeNs) ?? {});
  } catch {
    return false;
  }
}
