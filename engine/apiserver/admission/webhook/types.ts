// Shapes of one admission request as the webhook dispatcher and the admission policies see it
// (the webhooks' own shapes are described with their kinds), and the one builder of its attributes.
import type { KindDef, KubeObject } from '../../../kinds/types';
import type { UserInfo } from '../../../apimachinery/user-info';
import type { AdmissionRequest } from '../admission-request';
import type { Webhook } from '../../../kinds/defs/kinds-admissionregistration';
import { connectKind } from '../connect-options';

export type { ServiceReference, Webhook, WebhookClientConfig, WebhookRule } from '../../../kinds/defs/kinds-admissionregistration';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** One webhook with the configuration it came from (configurations run in name order). */
export interface WebhookEntry {
  configuration: string;
  webhook: Webhook;
}

/** What is being admitted: the request's attributes upstream's admission.Attributes carries. */
export interface AdmissionAttributes {
  operation: Operation;
  def: KindDef;
  /**
   * The kind of the object admitted: the def's, except where upstream's subresource storage has
   * its own (a CONNECT's options kind; autoscaling/v1 Scale for <resource>/scale, built-in or custom).
   * Read it with kindOf (absent: the def's).
   */
  kind?: { group: string; version: string; kind: string };
  /** '' for the main resource. */
  subresource: string;
  namespace?: string;
  name: string;
  /** The object after earlier plugins (absent for DELETE). */
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  /** Absent for writes through the in-process client (controllers, kubelets). */
  user?: UserInfo;
}

export const kindOf = (a: AdmissionAttributes) => a.kind ?? { group: a.def.group, version: a.def.version, kind: a.def.kind };

/** What every scale subresource admits (upstream's scale storage: autoscaling/v1 for apps/v1 and custom resources). */
export const SCALE_KIND = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** The attributes of a request on `obj` (absent for DELETE) replacing `old`; `named` gives the
 *  namespace and name (a CONNECT's target, whose object is its options). */
export function attributesOf(
  def: KindDef,
  obj: KubeObject | undefined,
  old: KubeObject | undefined,
  operation: Operation,
  dryRun: boolean,
  request: AdmissionRequest | undefined,
  subresource = '',
  named: KubeObject | undefined = obj ?? old,
): AdmissionAttributes {
  const kind =
    (operation === 'CONNECT' && connectKind(obj)) ||
    (subresource === 'scale' ? SCALE_KIND : { group: def.group, version: def.version, kind: def.kind });
  return {
    operation,
    def,
    kind,
    subresource,
    namespace: def.namespaced ? named?.metadata?.namespace : undefined,
    name: named?.metadata?.name ?? '',
    object: obj,
    oldObject: old,
    dryRun,
    user: request?.user,
  };
}
