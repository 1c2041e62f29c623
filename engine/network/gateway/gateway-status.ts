// Status writes of the gateway controller (pure parts): conditions keep their lastTransitionTime
// while their status stays the same, and an HTTPRoute's parents written by other controllers are
// kept as they are.
import type { KubeObject } from '../../kinds/types';
import type { Condition } from './gateway-types';
import type { GatewayStatus, RouteParentStatus } from './gateway-model';
import { GATEWAY_CONTROLLER } from './gateway-types';

export function stampConditions(want: Condition[], have: Condition[] | undefined, now: string): Condition[] {
  return want.map((c) => {
    const old = have?.find((h) => h.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  });
}

export function stampGatewayStatus(want: GatewayStatus, have: KubeObject, now: string): GatewayStatus {
  const old = (have.status ?? {}) as Partial<GatewayStatus>;
  return {
    addresses: want.addresses,
    conditions: stampConditions(want.conditions, old.conditions, now),
    listeners: want.listeners.map((l) => ({
      ...l,
      conditions: stampConditions(l.conditions, old.listeners?.find((o) => o.name === l.name)?.conditions, now),
    })),
  };
}

/** The route's status.parents: others' entries unchanged, ours replaced by `want`. */
export function stampRouteParents(want: RouteParentStatus[], have: KubeObject, now: string): RouteParentStatus[] {
  const old = (have.status as { parents?: RouteParentStatus[] } | undefined)?.parents ?? [];
  const same = (a: RouteParentStatus['parentRef'], b: RouteParentStatus['parentRef']) =>
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '') &&
    (a.sectionName ?? '') === (b.sectionName ?? '') &&
    (a.port ?? 0) === (b.port ?? 0);
  const others = old.filter((p) => p.controllerName !== GATEWAY_CONTROLLER);
  const ours = want.map((w) => ({
    ...w,
    conditions: stampConditions(
      w.conditions,
      old.find((o) => o.controllerName === GATEWAY_CONTROLLER && same(o.parentRef, w.parentRef))?.conditions,
      now,
    ),
  }));
  return [...others, ...ours];
}

/** Equal apart from lastTransitionTime (whether a write is needed). */
export function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, dropTime) === JSON.stringify(b, dropTime);
}
const dropTime = (k: string, v: unknown) => (k === 'lastTransitionTime' ? undefined : v);
