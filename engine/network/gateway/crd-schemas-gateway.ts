// GatewayClass, Gateway and ReferenceGrant schemas (standard channel), written from the published
// API's field list; bounds and enums as stated there.
import {
  arr,
  conditions,
  group,
  hostname,
  int,
  kind,
  labelSelector,
  map,
  namespace,
  obj,
  objectName,
  oneOf,
  port,
  secretObjectRef,
  sectionName,
  str,
  type S,
} from './crd-schema-kit';

const ADDRESS_TYPE = str({ minLength: 1, maxLength: 253, default: 'IPAddress' });

export const gatewayClassSchema = (): S =>
  obj(
    {
      apiVersion: str(),
      kind: str(),
      metadata: { type: 'object' },
      spec: obj(
        {
          controllerName: str({
            minLength: 1,
            maxLength: 253,
            pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/.+$',
          }),
          parametersRef: obj({ group: group(), kind: kind(), name: objectName(), namespace: namespace() }, ['group', 'kind', 'name']),
          description: str({ maxLength: 64 }),
        },
        ['controllerName'],
      ),
      status: obj({ conditions: conditions(), supportedFeatures: arr(obj({ name: str() }, ['name']), 64) }),
    },
    ['spec'],
  );

const listener = (): S =>
  obj(
    {
      name: sectionName(),
      hostname: hostname(),
      port: port(),
      protocol: str({ minLength: 1, maxLength: 255 }),
      tls: obj({
        mode: oneOf(['Terminate', 'Passthrough'], { default: 'Terminate' }),
        certificateRefs: arr(secretObjectRef(), 64),
        options: map(str({ maxLength: 4096 })),
      }),
      allowedRoutes: obj(
        {
          namespaces: obj({ from: oneOf(['All', 'Selector', 'Same'], { default: 'Same' }), selector: labelSelector() }, [], {
            default: { from: 'Same' },
          }),
          kinds: arr(obj({ group: group('gateway.networking.k8s.io'), kind: kind() }, ['kind']), 8),
        },
        [],
        { default: { namespaces: { from: 'Same' } } },
      ),
    },
    ['name', 'port', 'protocol'],
  );

export const gatewaySchema = (): S =>
  obj(
    {
      apiVersion: str(),
      kind: str(),
      metadata: { type: 'object' },
      spec: obj(
        {
          gatewayClassName: objectName(),
          listeners: arr(listener(), 64, { minItems: 1, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
          addresses: arr(obj({ type: ADDRESS_TYPE, value: str({ minLength: 1, maxLength: 253 }) }, ['value']), 16),
          infrastructure: obj({ labels: map(str()), annotations: map(str()) }),
        },
        ['gatewayClassName', 'listeners'],
      ),
      status: obj({
        addresses: arr(obj({ type: ADDRESS_TYPE, value: str({ minLength: 1, maxLength: 253 }) }, ['value']), 16),
        conditions: conditions(),
        listeners: arr(
          obj(
            {
              name: sectionName(),
              supportedKinds: arr(obj({ group: group(), kind: kind() }, ['kind']), 8),
              attachedRoutes: int(0, undefined, { format: 'int32' }),
              conditions: conditions(),
            },
            ['name', 'supportedKinds', 'attachedRoutes', 'conditions'],
          ),
          64,
        ),
      }),
    },
    ['spec'],
  );

export const referenceGrantSchema = (): S =>
  obj({
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: obj(
      {
        from: arr(obj({ group: group(), kind: kind(), namespace: namespace() }, ['group', 'kind', 'namespace']), 16, { minItems: 1 }),
        to: arr(obj({ group: group(), kind: kind(), name: objectName() }, ['group', 'kind']), 16, { minItems: 1 }),
      },
      ['from', 'to'],
    ),
  });
