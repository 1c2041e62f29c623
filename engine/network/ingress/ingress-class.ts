// Which Ingresses the built-in controller serves (pure). An Ingress names its class by
// spec.ingressClassName or, older, the kubernetes.io/ingress.class annotation (the field wins, as
// upstream). Ours: the `skiff` class, any IngressClass whose controller is ours, and the aliases
// charts commonly set (nginx, traefik) unless an IngressClass of that name belongs to another
// controller (a real ingress-nginx installed in the cluster keeps its Ingresses). An Ingress with
// no class at all is ours while our class is the default one.
import type { KubeObject } from '../../kinds/types';
import { classController, ingressSpec } from './ingress-types';

export const INGRESS_CLASS = 'skiff';
export const INGRESS_CONTROLLER = 'skiff.dev/ingress';
export const DEFAULT_ALIASES = ['nginx', 'traefik'];
export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export interface ClassPolicy {
  /** Class names served besides `skiff` (default nginx, traefik). */
  aliases: string[];
}

/** The class an Ingress asks for, or undefined when it names none. */
export function requestedClass(ing: KubeObject): string | undefined {
  const field = ingressSpec(ing).ingressClassName;
  if (field) return field;
  const ann = ing.metadata.annotations?.[CLASS_ANNOTATION];
  return ann || undefined;
}

export function isOurIngress(ing: KubeObject, classes: KubeObject[], policy: ClassPolicy): boolean {
  const wanted = requestedClass(ing);
  const byName = new Map(classes.map((c) => [c.metadata.name!, c]));
  if (wanted === undefined) {
    const ours = byName.get(INGRESS_CLASS);
    return !ours || ours.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
  }
  const cls = byName.get(wanted);
  if (cls) return classController(cls) === INGRESS_CONTROLLER;
  return wanted === INGRESS_CLASS || policy.aliases.includes(wanted);
}

/** The IngressClass Skiff creates at start. */
export function skiffIngressClass(): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: INGRESS_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    spec: { controller: INGRESS_CONTROLLER },
  };
}
