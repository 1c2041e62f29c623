// What our Gateways and the HTTPRoutes attached to them amount to (pure): the rules to serve
// and the status every object should carry (conditions without timestamps; the controller keeps
// lastTransitionTime). Every Gateway of a class whose controller is ours is served on the
// ingress's 127.0.0.1 listeners: HTTP listeners on its HTTP port, HTTPS listeners on its HTTPS
// port (whatever port number the listener names), so `status.addresses` is 127.0.0.1. GRPCRoutes
// attach the same way; their method matches become path matches (grpc-match.ts). Conflicted
// listeners (listener-conflicts.ts) are not served; of an HTTPRoute and a GRPCRoute sharing host
// names on a listener, the older is (route-conflicts.ts).
import type { KubeObject } from '../../kinds/types';
import type { ServiceRoute } from '../table';
import type { AttachedRule } from './http-route-table';
import { listenerVerdict } from './listener-verdict';
import { resolveBackendRefs, type RefProblem } from './route-backends';
import { GATEWAY_GROUP } from './gateway-crds';
import { grpcMatchToHttp } from './grpc-match';
import { mirrorShare } from './mirror-share';
import { listenerConflicts } from './listener-conflicts';
import { attachmentKey, routeKindConflicts, type Attachment } from './route-conflicts';
import { listenerFor, ourParent, routeParentRefs, type GatewayEntry } from './listener-match';
import type { ListenerPlace } from './listener-ports';
import { cond, gatewayStatus } from './gateway-conditions';
import {
  GATEWAY_CONTROLLER,
  classControllerName,
  gatewaySpec,
  keyOfObj,
  routeSpec,
  type Condition,
  type GrpcRouteSpec,
  type HttpMatch,
  type Listener,
  type ParentRef,
  type RouteKind,
} from './gateway-types';

export interface GatewayModelInput {
  classes: KubeObject[];
  gateways: KubeObject[];
  routes: KubeObject[];
  grpcRoutes?: KubeObject[];
  grants: KubeObject[];
  namespaces: KubeObject[];
  services: KubeObject[];
  serviceRoutes: ServiceRoute[];
  secret(namespace: string, name: string): KubeObject | undefined;
  /** Whether the ingress's HTTP / HTTPS listeners are up. */
  listening: { http: boolean; https: boolean };
  /** Where each listener is served (listener-ports.ts); default: the ingress's two ports. */
  place?: (l: Listener) => ListenerPlace;
}

export interface GatewayStatus {
  addresses: { type: string; value: string }[];
  conditions: Condition[];
  listeners: { name: string; supportedKinds: { group: string; kind: string }[]; attachedRoutes: number; conditions: Condition[] }[];
}

export interface RouteParentStatus {
  parentRef: ParentRef;
  controllerName: string;
  conditions: Condition[];
}

export interface GatewayModel {
  attached: AttachedRule[];
  classes: Map<string, Condition[]>;
  gateways: Map<string, GatewayStatus>;
  /** Per route key (routeKey()): the parents that are ours (others' entries are left to them). */
  routeParents: Map<string, RouteParentStatus[]>;
  /** The ports of their own that served listeners name (port → TLS). */
  ownPorts: Map<number, boolean>;
  /** Certificates of HTTPS listeners by host name ('' = any host). */
  certificates: { hostname: string; secret: KubeObject }[];
}

export function buildGatewayModel(input: GatewayModelInput): GatewayModel {
  const ourClasses = new Set(input.classes.filter((c) => classControllerName(c) === GATEWAY_CONTROLLER).map((c) => c.metadata.name!));
  const model: GatewayModel = {
    attached: [],
    classes: new Map(),
    gateways: new Map(),
    routeParents: new Map(),
    certificates: [],
    ownPorts: new Map(),
  };
  for (const c of input.classes)
    if (ourClasses.has(c.metadata.name!))
      model.classes.set(c.metadata.name!, [cond('Accepted', true, 'Accepted', 'Handled by the Skiff ingress', c.metadata.generation)]);

  const gateways = new Map<string, GatewayEntry>();
  const ours = input.gateways.filter((gw) => ourClasses.has(gatewaySpec(gw).gatewayClassName ?? ''));
  const conflicts = listenerConflicts(ours);
  const shared = (l: Listener): ListenerPlace => ({ up: l.protocol === 'HTTPS' ? input.listening.https : input.listening.http });
  for (const gw of ours) {
    const listeners = gatewaySpec(gw).listeners ?? [];
    const conflicted = conflicts.get(keyOfObj(gw)) ?? [];
    const places = listeners.map((l) => (input.place ?? shared)(l));
    const verdicts = listeners.map((l, i) => {
      const v = listenerVerdict(gw, l, input);
      const own = places[i].port;
      if (own !== undefined && v.accepted && !conflicted[i]) model.ownPorts.set(own, l.protocol === 'HTTPS');
      const error = places[i].error;
      return error && v.accepted ? { ...v, accepted: false, acceptedReason: 'PortUnavailable', message: error } : v;
    });
    gateways.set(keyOfObj(gw), { gw, verdicts, conflicts: conflicted, places, attached: verdicts.map(() => 0) });
    verdicts.forEach((v, i) => {
      if (v.certificate && !conflicted[i]) model.certificates.push(v.certificate);
    });
  }

  const nsLabels = new Map(input.namespaces.map((n) => [n.metadata.name!, n.metadata.labels ?? {}]));
  const services = new Map(input.services.map((s) => [keyOfObj(s), s]));
  const serviceRoutes = new Map(input.serviceRoutes.map((r) => [r.id, r]));
  const routes: { route: KubeObject; kind: RouteKind }[] = [
    ...input.routes.map((route) => ({ route, kind: 'HTTPRoute' as const })),
    ...(input.grpcRoutes ?? []).map((route) => ({ route, kind: 'GRPCRoute' as const })),
  ];
  // Where each route would attach, so HTTPRoute/GRPCRoute conflicts are known before attaching.
  const attachments: Attachment[] = [];
  for (const { route, kind } of routes) {
    const ns = route.metadata.namespace ?? 'default';
    for (const ref of routeParentRefs(route, kind)) {
      const g = ourParent(ref, ns, gateways);
      g?.verdicts.forEach((_, i) => {
        const to = listenerFor(g, i, ref, kind, ns, route, nsLabels);
        if ('hostnames' in to)
          attachments.push({
            kind,
            route: keyOfObj(route),
            created: String(route.metadata.creationTimestamp ?? ''),
            listener: `${keyOfObj(g.gw)}#${i}`,
            hostnames: to.hostnames,
          });
      });
    }
  }
  const lost = routeKindConflicts(attachments);

  for (const { route, kind } of routes) {
    const ns = route.metadata.namespace ?? 'default';
    const grpc = kind === 'GRPCRoute';
    const spec = grpc ? toHttpShape(route.spec as GrpcRouteSpec) : routeSpec(route);
    const supported = grpc ? GRPC_FILTERS : SUPPORTED_FILTERS;
    const parents: RouteParentStatus[] = [];
    const gen = route.metadata.generation;
    // Rules resolve once per route; attached per listener they serve on.
    const rules = (spec.rules ?? []).map((rule, ruleIndex) => {
      const r = resolveBackendRefs(ns, rule.backendRefs ?? [], { services, routes: serviceRoutes, grants: input.grants }, kind);
      const unsupported = [
        ...(rule.filters ?? []),
        // A mirror per backend is not served: mirrors belong to the rule here.
        ...(rule.backendRefs ?? []).flatMap((b) =>
          (b.filters ?? []).map((f) => (f.type === 'RequestMirror' ? { type: 'RequestMirror in a backendRef' } : f)),
        ),
      ].find((f) => !supported.has(f.type));
      const mirrorFilters = (rule.filters ?? []).flatMap((f) => (f.type === 'RequestMirror' && f.requestMirror ? [f.requestMirror] : []));
      const mirrored = mirrorFilters.length
        ? resolveBackendRefs(
            ns,
            mirrorFilters.map((m) => m.backendRef),
            { services, routes: serviceRoutes, grants: input.grants },
            kind,
          )
        : undefined;
      const problem = unsupported ? `filter ${unsupported.type} is not supported by the skiff gateway` : undefined;
      return {
        rule,
        problems: [...r.problems, ...(mirrored?.problems ?? [])],
        compiled: {
          route: keyOfObj(route),
          ruleIndex,
          backends: r.backends,
          filters: rule.filters ?? [],
          ...(problem ? { problem } : {}),
          ...(grpc ? { kind: 'GRPCRoute' as const } : {}),
          ...(mirrored
            ? {
                mirrors: mirrored.backends.flatMap((b, i) =>
                  b.backend.problem ? [] : [{ backend: b.backend, ...mirrorShare(mirrorFilters[i]) }],
                ),
              }
            : {}),
        },
      };
    });
    const refProblem: RefProblem | undefined = rules.flatMap((r) => r.problems)[0];
    const filterProblem = rules.find((r) => r.compiled.problem)?.compiled.problem;
    for (const ref of routeParentRefs(route, kind)) {
      const g = ourParent(ref, ns, gateways);
      if (!g) continue; // not one of ours (or not there yet): its controller, if any, answers
      const listeners = gatewaySpec(g.gw).listeners ?? [];
      let reason = 'NoMatchingParent';
      let conflictMessage = '';
      let served = 0;
      listeners.forEach((l, i) => {
        const to = listenerFor(g, i, ref, kind, ns, route, nsLabels);
        if (!('hostnames' in to)) {
          if (to.reason && (reason === 'NoMatchingParent' || to.reason === 'NoMatchingListenerHostname')) reason = to.reason;
          return;
        }
        const winner = lost.get(attachmentKey({ kind, route: keyOfObj(route), listener: `${keyOfObj(g.gw)}#${i}` }));
        if (winner) {
          reason = 'Conflicted';
          conflictMessage = `${winner.kind} ${winner.route}, the older route, serves the same host names on listener ${l.name}: one of an HTTPRoute and a GRPCRoute is accepted there`;
          return;
        }
        const hostnames = to.hostnames;
        served++;
        g.attached[i]++;
        const secure = l.protocol === 'HTTPS';
        const own = g.places[i].port;
        for (const r of rules)
          model.attached.push({
            ...(own !== undefined ? { port: own } : {}),
            rule: r.compiled,
            matches: r.rule.matches ?? [],
            hostnames,
            secure,
            ...(grpc ? { grpc } : {}),
            created: String(route.metadata.creationTimestamp ?? ''),
          });
      });
      const accepted = served > 0 && !filterProblem;
      parents.push({
        parentRef: { group: GATEWAY_GROUP, kind: 'Gateway', ...ref },
        controllerName: GATEWAY_CONTROLLER,
        conditions: [
          filterProblem
            ? cond('Accepted', false, 'UnsupportedValue', filterProblem, gen)
            : cond('Accepted', accepted, accepted ? 'Accepted' : reason, accepted ? 'Accepted' : conflictMessage || MESSAGES[reason], gen),
          refProblem
            ? cond('ResolvedRefs', false, refProblem.reason, refProblem.message, gen)
            : cond('ResolvedRefs', true, 'ResolvedRefs', 'Resolved all references', gen),
        ],
      });
    }
    if (parents.length) model.routeParents.set(routeKey(kind, route), parents);
  }

  for (const [k, g] of gateways) model.gateways.set(k, gatewayStatus(g));
  return model;
}

const SUPPORTED_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'RequestMirror']);
const GRPC_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier']);

/** The key of a route in GatewayModel.routeParents: HTTPRoutes by namespace/name, others prefixed by kind. */
export const routeKey = (kind: RouteKind, route: KubeObject) => (kind === 'HTTPRoute' ? keyOfObj(route) : `${kind} ${keyOfObj(route)}`);

function toHttpShape(spec: GrpcRouteSpec = {}) {
  return {
    ...spec,
    rules: (spec.rules ?? []).map((r) => ({ ...r, matches: (r.matches ?? []).map((m): HttpMatch => grpcMatchToHttp(m)) })),
  };
}
const MESSAGES: Record<string, string> = {
  NoMatchingParent: 'No listener of the Gateway matches the sectionName or port',
  NotAllowedByListeners: "The Gateway's listeners do not allow routes from this namespace or of this kind",
  NoMatchingListenerHostname: "None of the route's hostnames match a listener's hostname",
};
