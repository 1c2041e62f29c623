// What the resource handlers need, passed in explicitly by the server's factory.
import type { KindDef, KubeObject } from '../kinds/types';
import type { SchemaNode } from '../kinds/schema-types';
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
  applyPatch(contentType: string, original: KubeObject, patch: unknown, schema?: SchemaNode): KubeObject;
  /** Builds a matcher from `labelSelector`; throws an ApiError (400) on bad syntax. */
  labelMatcher(selector: string): (labels: Record<string, string> | undefined) => boolean;
  /** Builds a matcher from `fieldSelector`; throws an ApiError (400) for bad syntax or unsupported fields. */
  fieldMatcher(def: KindDef, selector: string): (obj: KubeObject) => boolean;
  now(): Date;
  /** Signs tokens for serviceaccounts/token (TokenRequest). */
  serviceAccountTokens?: import('../pki/service-account-tokens').ServiceAccountTokens;
  /** Each node's log/exec/port-forward streams (pods/log reads through it). */
  nodeStreams?: import('../client/node-streams').NodeStreamsRegistry;
  /** Answers authorization.k8s.io reviews (SelfSubjectAccessReview, ...) from the authorizer. */
  reviews?(kind: string, body: Record<string, unknown>, user: UserInfo, namespace: string | undefined): Promise<object | undefined>;
}
