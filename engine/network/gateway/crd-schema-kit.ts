// Small builders for the Gateway API CRDs' structural schemas (openAPIV3Schema): every field typed,
// bounds and enums as the published API states them, so bad objects get field errors from the
// API server's CRD validation rather than surprises in the proxy.
import type { StructuralSchema as S } from '../../kinds/custom/structural-schema';

export type { S };

export const str = (extra: Partial<S> = {}): S => ({ type: 'string', ...extra });
export const int = (min?: number, max?: number, extra: Partial<S> = {}): S => ({
  type: 'integer',
  format: 'int32',
  ...(min !== undefined ? { minimum: min } : {}),
  ...(max !== undefined ? { maximum: max } : {}),
  ...extra,
});
export const oneOf = (values: string[], extra: Partial<S> = {}): S => ({ type: 'string', enum: values, ...extra });
/** Schema keywords besides StructuralSchema's: CEL rules (validated by the API server's CRD support). */
type Extra = Partial<S> & { 'x-kubernetes-validations'?: { rule: string; message?: string }[] };
export const obj = (properties: Record<string, S>, required: string[] = [], extra: Extra = {}): S => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  ...extra,
});
export const arr = (items: S, maxItems?: number, extra: Partial<S> = {}): S => ({
  type: 'array',
  items,
  ...(maxItems !== undefined ? { maxItems } : {}),
  ...extra,
});
export const map = (values: S): S => ({ type: 'object', additionalProperties: values });
/** The same schema with a description (what `kubectl explain` shows for the field). */
export const doc = (description: string, s: S): S => ({ ...s, description });

/** RFC 1123 host names, optionally with one leading wildcard label (`*.example.com`). */
export const hostname = () =>
  str({ minLength: 1, maxLength: 253, pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' });
export const objectName = () => str({ minLength: 1, maxLength: 253 });
export const sectionName = () =>
  str({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' });
export const group = (dflt?: string) => str({ maxLength: 253, ...(dflt !== undefined ? { default: dflt } : {}) });
export const kind = (dflt?: string) => str({ minLength: 1, maxLength: 63, ...(dflt !== undefined ? { default: dflt } : {}) });
export const namespace = () => str({ minLength: 1, maxLength: 63 });
export const port = () => int(1, 65535);

export const condition = (): S =>
  obj(
    {
      type: str({ maxLength: 316 }),
      status: oneOf(['True', 'False', 'Unknown']),
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
      lastTransitionTime: str({ format: 'date-time' }),
      reason: str({ minLength: 1, maxLength: 1024 }),
      message: str({ maxLength: 32768 }),
    },
    ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  );
export const conditions = (): S => arr(condition(), 8, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

export const labelSelector = (): S =>
  obj({
    matchLabels: map(str()),
    matchExpressions: arr(
      obj({ key: str(), operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: arr(str()) }, ['key', 'operator']),
    ),
  });

/** A reference to a Gateway (or other parent) an HTTPRoute attaches to. */
export const parentRef = (): S =>
  doc(
    'A parent the route asks to attach to: a Gateway, or one of its listeners named by sectionName or port.',
    obj(
      {
        group: doc('API group of the parent; gateway.networking.k8s.io when omitted.', group('gateway.networking.k8s.io')),
        kind: doc('Kind of the parent; Gateway when omitted.', kind('Gateway')),
        namespace: doc("Namespace of the parent; the route's own namespace when omitted.", namespace()),
        name: doc('Name of the parent.', objectName()),
        sectionName: doc(
          "Attach to this listener only (a Gateway listener's name); every listener that allows the route when omitted.",
          sectionName(),
        ),
        port: doc('Attach to the listeners on this port only; every port when omitted.', port()),
      },
      ['name'],
    ),
  );

export const secretObjectRef = (): S =>
  doc(
    'A Secret of type kubernetes.io/tls holding the certificate and key.',
    obj(
      {
        group: doc('API group of the referent; empty for the core group.', group('')),
        kind: doc('Kind of the referent; Secret when omitted.', kind('Secret')),
        name: doc('Name of the referent.', objectName()),
        namespace: doc(
          "Namespace of the referent; the Gateway's own when omitted. Another namespace needs a ReferenceGrant there.",
          namespace(),
        ),
      },
      ['name'],
    ),
  );
