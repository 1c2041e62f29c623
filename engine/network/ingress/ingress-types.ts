// The fields of Ingress, IngressClass and Service the controller reads, narrowed from the open
// object shape (the API server has validated them).
import type { KubeObject } from '../../kinds/types';

export interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } };
  resource?: unknown;
}

export interface IngressPath {
  path?: string;
  pathType?: string;
  backend?: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths?: IngressPath[] };
}

export interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  rules?: IngressRule[];
  tls?: { hosts?: string[]; secretName?: string }[];
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

export const ingressSpec = (ing: KubeObject): IngressSpec => (ing.spec ?? {}) as IngressSpec;
export const ingressAddresses = (ing: KubeObject): LoadBalancerIngress[] =>
  (ing.status as { loadBalancer?: { ingress?: LoadBalancerIngress[] } } | undefined)?.loadBalancer?.ingress ?? [];
export const classController = (cls: KubeObject): string | undefined => (cls.spec as { controller?: string } | undefined)?.controller;
export const servicePorts = (svc: KubeObject): ServicePort[] => (svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? [];
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
