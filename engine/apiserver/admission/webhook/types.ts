// Shapes of one admission request as the webhook dispatcher sees it (the webhooks' own shapes
// are described with their kinds).
import type { KindDef, KubeObject } from '../../../kinds/types';
import type { UserInfo } from '../../../apimachinery/user-info';
import type { Webhook } from '../../../kinds/defs/kinds-admissionregistration';

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
