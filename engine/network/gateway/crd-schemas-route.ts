// HTTPRoute and GRPCRoute schemas (standard channel), written from the published API's field list.
import {
  arr,
  conditions,
  doc,
  group,
  hostname,
  int,
  kind,
  namespace,
  obj,
  objectName,
  oneOf,
  parentRef,
  port,
  str,
  type S,
} from './crd-schema-kit';

const headerName = () => str({ minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$" });
const headerMatch = (): S =>
  obj({ type: oneOf(['Exact', 'RegularExpression'], { default: 'Exact' }), name: headerName(), value: str({ maxLength: 4096 }) }, [
    'name',
    'value',
  ]);
const headerModifier = (): S =>
  obj({
    set: arr(obj({ name: headerName(), value: str({ maxLength: 4096 }) }, ['name', 'value']), 16),
    add: arr(obj({ name: headerName(), value: str({ maxLength: 4096 }) }, ['name', 'value']), 16),
    remove: arr(str(), 16),
  });
const pathModifier = (): S =>
  obj(
    {
      type: oneOf(['ReplaceFullPath', 'ReplacePrefixMatch']),
      replaceFullPath: str({ maxLength: 1024 }),
      replacePrefixMatch: str({ maxLength: 1024 }),
    },
    ['type'],
  );
const backendObjectRef = () => ({
  group: doc('API group of the backend; empty (the core group) when omitted.', group('')),
  kind: doc('Kind of the backend; Service when omitted.', kind('Service')),
  name: doc('Name of the backend (a Service).', objectName()),
  namespace: doc("Namespace of the backend; the route's own when omitted. Another namespace needs a ReferenceGrant there.", namespace()),
  port: doc('The Service port to send to (required for Services).', port()),
});
// percent and fraction: GEP-3171 (the standard channel from v1.3), with upstream's rules and wording.
const requestMirror = (): S =>
  obj(
    {
      backendRef: obj(backendObjectRef(), ['name']),
      percent: int(0, 100),
      fraction: obj({ numerator: int(0), denominator: int(1, undefined, { default: 100 }) }, ['numerator'], {
        'x-kubernetes-validations': [
          { rule: 'self.numerator <= self.denominator', message: 'numerator must be less than or equal to denominator' },
        ],
      }),
    },
    ['backendRef'],
    {
      'x-kubernetes-validations': [
        {
          rule: '!(has(self.percent) && has(self.fraction))',
          message: 'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
        },
      ],
    },
  );
const extensionRef = () => obj({ group: group(), kind: kind(), name: objectName() }, ['group', 'kind', 'name']);

const httpFilter = (): S =>
  doc(
    'A step applied to requests on the way: set by type, with the field of the same name holding its settings.',
    obj(
      {
        type: doc(
          'Which filter this is; the field named after it (requestHeaderModifier, requestRedirect, …) must be set.',
          oneOf(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef']),
        ),
        requestHeaderModifier: doc('Sets, adds or removes request headers before the request goes to the backend.', headerModifier()),
        responseHeaderModifier: doc('Sets, adds or removes response headers before the answer goes to the client.', headerModifier()),
        requestMirror: doc('Sends a copy of the request to another backend; its answers are dropped.', requestMirror()),
        requestRedirect: doc(
          'Answers with a redirect instead of forwarding: a new scheme, host name, path or port.',
          obj({
            scheme: oneOf(['http', 'https']),
            hostname: hostname(),
            path: pathModifier(),
            port: port(),
            statusCode: { type: 'integer', enum: [301, 302], default: 302 },
          }),
        ),
        urlRewrite: doc('Changes the host name or path sent to the backend.', obj({ hostname: hostname(), path: pathModifier() })),
        extensionRef: doc('An implementation-specific filter object.', extensionRef()),
      },
      ['type'],
    ),
  );

const httpMatch = (): S =>
  obj({
    path: doc(
      'The request path to match: Exact, PathPrefix (whole path elements: /a matches /a/b, not /ab) or RegularExpression. Default: prefix /.',
      obj(
        {
          type: oneOf(['Exact', 'PathPrefix', 'RegularExpression'], { default: 'PathPrefix' }),
          value: str({ maxLength: 1024, default: '/' }),
        },
        [],
        { default: { type: 'PathPrefix', value: '/' } },
      ),
    ),
    headers: doc('Request headers that must all match (by name, exact value or regular expression).', arr(headerMatch(), 16)),
    queryParams: doc(
      'Query parameters that must all match.',
      arr(
        obj(
          {
            type: oneOf(['Exact', 'RegularExpression'], { default: 'Exact' }),
            name: str({ minLength: 1, maxLength: 256 }),
            value: str({ minLength: 1, maxLength: 1024 }),
          },
          ['name', 'value'],
        ),
        16,
      ),
    ),
    method: doc(
      'The HTTP method that must match; any when omitted.',
      oneOf(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']),
    ),
  });

const routeStatus = (): S =>
  obj({
    parents: doc(
      "Each parent's verdict on the route, written by the controller serving it: Accepted (attached) and ResolvedRefs (backends found).",
      arr(
        obj({ parentRef: parentRef(), controllerName: str({ minLength: 1, maxLength: 253 }), conditions: conditions() }, [
          'parentRef',
          'controllerName',
        ]),
        32,
      ),
    ),
  });

const routeSpec = (rule: S, what: string): S =>
  doc(
    `Where the route attaches (parentRefs), which host names it serves, and how its ${what} are matched and sent to backends (rules).`,
    obj({
      parentRefs: doc('The Gateways (or their listeners) the route attaches to.', arr(parentRef(), 32)),
      hostnames: doc(
        "Host names the route serves (a leading `*.` matches any one or more labels); when omitted, those of the listener. Only names the listener's hostname also matches are served.",
        arr(hostname(), 16),
      ),
      rules: doc(`How ${what} are matched and where they go; the most specific match wins.`, arr(rule, 16)),
    }),
  );

export const httpRouteSchema = (): S =>
  obj(
    {
      apiVersion: str(),
      kind: str(),
      metadata: { type: 'object' },
      spec: routeSpec(
        obj(
          {
            name: doc('An optional name for the rule, unique in the route.', str({ maxLength: 253 })),
            matches: doc(
              'Conditions a request must meet for this rule (any one match, all of its parts); every request (prefix /) when omitted.',
              arr(httpMatch(), 64, { default: [{ path: { type: 'PathPrefix', value: '/' } }] }),
            ),
            filters: doc(
              'Steps applied to every request the rule takes (header changes, redirects, rewrites, mirrors).',
              arr(httpFilter(), 16),
            ),
            backendRefs: doc(
              'Where matching requests go: Services and ports, each with a weight for splitting traffic (default 1; 0 sends none). None: the rule answers 500.',
              arr(
                obj(
                  {
                    ...backendObjectRef(),
                    weight: doc(
                      "This backend's share of requests, relative to the other backends' weights.",
                      int(0, 1000000, { default: 1 }),
                    ),
                    filters: doc('Filters for requests sent to this backend only.', arr(httpFilter(), 16)),
                  },
                  ['name'],
                ),
                16,
              ),
            ),
            timeouts: doc(
              'How long the whole request, and each try to a backend, may take (durations such as 10s).',
              obj({ request: str(), backendRequest: str() }),
            ),
          },
          [],
          { default: {} },
        ),
        'requests',
      ),
      status: routeStatus(),
    },
    [],
  );

export const grpcRouteSchema = (): S =>
  obj({
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: routeSpec(
      obj({
        name: doc('An optional name for the rule, unique in the route.', str({ maxLength: 253 })),
        matches: doc(
          'Conditions a call must meet for this rule (any one match, all of its parts); every call when omitted.',
          arr(
            obj({
              method: doc(
                'The gRPC service and method to match (package.Service and Method), exactly or by regular expression; either may be omitted.',
                obj({
                  type: oneOf(['Exact', 'RegularExpression'], { default: 'Exact' }),
                  service: str({ maxLength: 1024 }),
                  method: str({ maxLength: 1024 }),
                }),
              ),
              headers: doc('Metadata (headers) that must all match.', arr(headerMatch(), 16)),
            }),
            8,
          ),
        ),
        filters: doc(
          'Steps applied to every call the rule takes (header changes, mirrors).',
          arr(
            obj({ type: str(), requestHeaderModifier: headerModifier(), responseHeaderModifier: headerModifier() }, ['type'], {
              'x-kubernetes-preserve-unknown-fields': true,
            }),
            16,
          ),
        ),
        backendRefs: doc(
          'Where matching calls go: Services and ports, each with a weight for splitting traffic (default 1).',
          arr(
            obj({ ...backendObjectRef(), weight: int(0, 1000000, { default: 1 }) }, ['name'], {
              'x-kubernetes-preserve-unknown-fields': true,
            }),
            16,
          ),
        ),
      }),
      'calls',
    ),
    status: routeStatus(),
  });
