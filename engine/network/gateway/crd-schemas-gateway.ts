// GatewayClass, Gateway and ReferenceGrant schemas (standard channel), written from the published
// API's field list; bounds and enums as stated there.
import {
  arr,
  conditions,
  doc,
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
      spec: doc(
        'What the class is: the controller that implements its Gateways, and optional parameters for it.',
        obj(
          {
            controllerName: doc(
              "The controller that manages Gateways of this class, as a domain-prefixed path (Skiff's is skiff.dev/gateway-controller). It cannot change once set.",
              str({
                minLength: 1,
                maxLength: 253,
                pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/.+$',
              }),
            ),
            parametersRef: doc(
              'An object holding controller-specific settings for the class (optional).',
              obj({ group: group(), kind: kind(), name: objectName(), namespace: namespace() }, ['group', 'kind', 'name']),
            ),
            description: doc('A short human-readable note about the class.', str({ maxLength: 64 })),
          },
          ['controllerName'],
        ),
      ),
      status: doc(
        'What the controller reports about the class.',
        obj({
          conditions: doc('The Accepted condition: whether the controller took the class on.', conditions()),
          supportedFeatures: arr(obj({ name: str() }, ['name']), 64),
        }),
      ),
    },
    ['spec'],
  );

const listener = (): S =>
  obj(
    {
      name: doc("The listener's name, unique in the Gateway; routes pick it with parentRefs[].sectionName.", sectionName()),
      hostname: doc(
        'The host name the listener serves (a leading `*.` matches one or more labels); every host when omitted. Routes attached here serve only host names it matches.',
        hostname(),
      ),
      port: doc('The network port the listener accepts connections on.', port()),
      protocol: doc(
        'The protocol the listener speaks: HTTP, HTTPS, TLS, TCP or UDP (Skiff serves HTTP and HTTPS).',
        str({ minLength: 1, maxLength: 255 }),
      ),
      tls: doc(
        'TLS settings for HTTPS and TLS listeners.',
        obj({
          mode: doc(
            'Terminate: TLS ends at the Gateway and requests are routed as plain HTTP; Passthrough: the encrypted stream is passed on by its SNI name.',
            oneOf(['Terminate', 'Passthrough'], { default: 'Terminate' }),
          ),
          certificateRefs: doc('Certificates (TLS Secrets) the listener presents; the first one is used.', arr(secretObjectRef(), 64)),
          options: doc('Implementation-specific TLS settings, as key/value pairs.', map(str({ maxLength: 4096 }))),
        }),
      ),
      allowedRoutes: doc(
        'Which routes may attach to the listener: from which namespaces, and of which kinds.',
        obj(
          {
            namespaces: doc(
              "Namespaces routes may attach from: Same (the Gateway's, the default), All, or Selector (those the label selector matches).",
              obj({ from: oneOf(['All', 'Selector', 'Same'], { default: 'Same' }), selector: labelSelector() }, [], {
                default: { from: 'Same' },
              }),
            ),
            kinds: doc(
              'Route kinds allowed to attach; when empty, the kinds that fit the protocol (HTTPRoute and GRPCRoute for HTTP and HTTPS).',
              arr(obj({ group: group('gateway.networking.k8s.io'), kind: kind() }, ['kind']), 8),
            ),
          },
          [],
          { default: { namespaces: { from: 'Same' } } },
        ),
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
      spec: doc(
        'The Gateway wanted: its class, and the listeners (port, protocol, host name) that routes attach to.',
        obj(
          {
            gatewayClassName: doc('The GatewayClass whose controller serves this Gateway.', objectName()),
            listeners: doc(
              'The ports, protocols and host names the Gateway accepts traffic on; each has a unique name.',
              arr(listener(), 64, { minItems: 1, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
            ),
            addresses: doc(
              'Addresses asked for the Gateway; the controller assigns them when omitted (Skiff: 127.0.0.1).',
              arr(obj({ type: ADDRESS_TYPE, value: str({ minLength: 1, maxLength: 253 }) }, ['value']), 16),
            ),
            infrastructure: doc(
              'Labels and annotations for the resources the controller creates for the Gateway.',
              obj({ labels: map(str()), annotations: map(str()) }),
            ),
          },
          ['gatewayClassName', 'listeners'],
        ),
      ),
      status: obj({
        addresses: doc(
          'The addresses the Gateway is reachable on.',
          arr(obj({ type: ADDRESS_TYPE, value: str({ minLength: 1, maxLength: 253 }) }, ['value']), 16),
        ),
        conditions: doc("The Gateway's Accepted and Programmed conditions.", conditions()),
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
    spec: doc(
      "Lets objects in other namespaces (from) refer to objects in this grant's namespace (to).",
      obj(
        {
          from: doc(
            'Who may refer here: a group, kind and namespace each (for example HTTPRoutes of namespace web).',
            arr(obj({ group: group(), kind: kind(), namespace: namespace() }, ['group', 'kind', 'namespace']), 16, { minItems: 1 }),
          ),
          to: doc(
            'What they may refer to in this namespace: a group and kind, and optionally one name (all of that kind when omitted).',
            arr(obj({ group: group(), kind: kind(), name: objectName() }, ['group', 'kind']), 16, { minItems: 1 }),
          ),
        },
        ['from', 'to'],
      ),
    ),
  });
