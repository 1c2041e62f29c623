// The Gateway API fields the controller reads, narrowed from the open object shape (the API
// server validated them against the CRD schemas in crd-schemas-*.ts).
import type { KubeObject } from '../../kinds/types';

export const GATEWAY_CONTROLLER = 'skiff.dev/gateway-controller';
export const GATEWAY_CLASS = 'skiff';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: { mode?: string; certificateRefs?: { group?: string; kind?: string; name: string; namespace?: string }[] };
  allowedRoutes?: {
    namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } };
    kinds?: { group?: string; kind: string }[];
  };
}

export interface HeaderModifier {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

export interface PathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HttpFilter {
  type: string;
  requestHeaderModifier?: HeaderModifier;
  responseHeaderModifier?: HeaderModifier;
  requestRedirect?: { scheme?: string; hostname?: string; path?: PathModifier; port?: number; statusCode?: number };
  urlRewrite?: { hostname?: string; path?: PathModifier };
  requestMirror?: RequestMirror;
}

/** A RequestMirror filter: all requests, or `percent` of them, or `fraction` (denominator 100 by default). */
export interface RequestMirror {
  backendRef: BackendRef;
  percent?: number;
  fraction?: { numerator: number; denominator?: number };
}

export interface HttpMatch {
  path?: { type?: string; value?: string };
  headers?: { type?: string; name: string; value: string }[];
  queryParams?: { type?: string; name: string; value: string }[];
  method?: string;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: HttpFilter[];
}

export interface HttpRule {
  matches?: HttpMatch[];
  filters?: HttpFilter[];
  backendRefs?: BackendRef[];
}

export interface HttpRouteSpec {
  parentRefs?: ParentRef[];
  hostnames?: string[];
  rules?: HttpRule[];
}

/** A GRPCRoute match: a gRPC method is the HTTP/2 path /<service>/<method>. */
export interface GrpcMatch {
  method?: { type?: 'Exact' | 'RegularExpression'; service?: string; method?: string };
  headers?: { type?: string; name: string; value: string }[];
}

export interface GrpcRule {
  matches?: GrpcMatch[];
  filters?: HttpFilter[];
  backendRefs?: BackendRef[];
}

export interface GrpcRouteSpec {
  parentRefs?: ParentRef[];
  hostnames?: string[];
  rules?: GrpcRule[];
}

/** The route kinds our listeners take. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute';
export const ROUTE_KINDS: RouteKind[] = ['HTTPRoute', 'GRPCRoute'];

export const gatewaySpec = (gw: KubeObject) =>
  (gw.spec ?? {}) as { gatewayClassName?: string; listeners?: Listener[]; addresses?: { type?: string; value: string }[] };
export const routeSpec = (r: KubeObject) => (r.spec ?? {}) as HttpRouteSpec;
export const classControllerName = (c: KubeObject) => (c.spec as { controllerName?: string } | undefined)?.controllerName;
export const conditionsOf = (o: KubeObject | undefined): Condition[] =>
  (o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];

/** The namespace/name key of an object. */
export const keyOfObj = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
