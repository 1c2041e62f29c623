// What the resource handlers need, passed in explicitly by the server's factory.
import type { KindDef, KubeObject } from '../kinds/types';
import type { SchemaNode } from '../kinds/schema/schema-types';
import type { Store } from '../store/types';
import type { Resources } from './resource-store';
import type { ObjectChecker } from './field-validation';
import type { UserInfo } from '../apimachinery/user-info';

export interface KindIndex {
  all(): KindDef[];
  byResource(group: string, version: string, plural: string): KindDef | undefined;
}

export interface HandlerDeps {
  kinds: KindIndex;
  resources: Resources;
  store: Store;
  checker: ObjectChecker;
  schemaOf(model: string): SchemaNode | undefined;
  /** managedFields on writes and server-side apply. */
  fields?: import('./field-manager').FieldManager;
  /** `owned`: `original` is the caller's private copy (mutate's), patched in place; never a shared object. */
  applyPatch(contentType: string, original: KubeObject, patch: unknown, schema?: SchemaNode, owned?: boolean): KubeObject;
  /** Builds a matcher from `labelSelector`; throws an ApiError (400) on bad syntax. */
  labelMatcher(selector: string): (labels: Record<string, string> | undefined) => boolean;
  /** Builds a matcher from `fieldSelector`; throws an ApiError (400) for bad syntax or unsupported fields. */
  fieldMatcher(def: KindDef, selector: string): (obj: KubeObject) => boolean;
  now(): Date;
  /** Signs tokens for serviceaccounts/token (TokenRequest). */
  serviceAccountTokens?: import('../pki/service-account-tokens').ServiceAccountTokens;
  /** Answers an authentication.k8s.io/v1 TokenReview. */
  tokenReview?(body: Record<string, unknown>): Promise<object>;
  /** Each node's log/exec/port-forward streams (pods/log reads through it). */
  nodeStreams?: import('../client/node-streams').NodeStreamsRegistry;
  /** The kubelets' usage figures (metrics.k8s.io and nodes/proxy's stats read them). */
  nodeUsage?(): import('./metrics-api').MetricsSnapshot | undefined;
  /** Admission's CONNECT step (webhooks and policies on pods/exec, pods/proxy, ...): may reject. */
  admitConnect?(
    def: KindDef,
    target: KubeObject,
    options: KubeObject,
    subresource: string,
    request?: import('./admission/admission-request').AdmissionRequest,
  ): Promise<void>;
  /** Answers authorization.k8s.io reviews (SelfSubjectAccessReview, ...) from the authorizer. */
  reviews?(kind: string, body: Record<string, unknown>, user: UserInfo, namespace: string | undefined): Promise<object | undefined>;
}

/** What a handler answers: the status and body the server serializes. */
export interface Reply {
  status: number;
  body: unknown;
  /** Already-serialized JSON, sent instead of body. */
  text?: string;
  warnings?: string[];
}

/** One subresource of one resource, as the table in subresource-table.ts calls it. */
export interface SubresourceCall {
  deps: HandlerDeps;
  def: KindDef;
  ns: string | undefined;
  name: string;
  q: URLSearchParams;
  /** Who makes an HTTP write (admission sees it: NodeRestriction, webhooks). */
  request?: import('./admission/admission-request').AdmissionRequest;
}

export interface HttpSubresourceCall extends SubresourceCall {
  method: string;
  req: import('node:http').IncomingMessage;
  /** Present when the handler may stream its own answer (pods/log). */
  res?: import('node:http').ServerResponse;
}

/** A subresource's handler object (the idea of upstream's per-resource REST storage). */
export interface SubresourceHandler {
  /** The HTTP methods it answers; any other is a 404, as if it did not exist (unset: every method). */
  methods?: readonly string[];
  /** Answers an HTTP request; undefined when it wrote the response itself. */
  serve(call: HttpSubresourceCall): Promise<Reply | undefined>;
  /** The in-process client's createSubresource: the same work with an already decoded body
   *  (what it resolves with is the answer's body; nothing = a Success Status). */
  readonly create?: (call: SubresourceCall, body: unknown) => Promise<unknown>;
}
