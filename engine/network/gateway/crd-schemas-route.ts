// HTTPRoute and GRPCRoute schemas (standard channel), written from the published API's field list.
import {
  arr,
  conditions,
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
  group: group(''),
  kind: kind('Service'),
  name: objectName(),
  namespace: namespace(),
  port: port(),
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
  obj(
    {
      type: oneOf(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef']),
      requestHeaderModifier: headerModifier(),
      responseHeaderModifier: headerModifier(),
      requestMirror: requestMirror(),
      requestRedirect: obj({
        scheme: oneOf(['http', 'https']),
        hostname: hostname(),
        path: pathModifier(),
        port: port(),
        statusCode: { type: 'integer', enum: [301, 302], default: 302 },
      }),
      urlRewrite: obj({ hostname: hostname(), path: pathModifier() }),
      extensionRef: extensionRef(),
    },
    ['type'],
  );

const httpMatch = (): S =>
  obj({
    path: obj(
      {
        type: oneOf(['Exact', 'PathPrefix', 'RegularExpression'], { default: 'PathPrefix' }),
        value: str({ maxLength: 1024, default: '/' }),
      },
      [],
      { default: { type: 'PathPrefix', value: '/' } },
    ),
    headers: arr(headerMatch(), 16),
    queryParams: arr(
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
    method: oneOf(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']),
  });

const routeStatus = (): S =>
  obj({
    parents: arr(
      obj({ parentRef: parentRef(), controllerName: str({ minLength: 1, maxLength: 253 }), conditions: conditions() }, [
        'parentRef',
        'controllerName',
      ]),
      32,
    ),
  });

const routeSpec = (rule: S): S =>
  obj({
    parentRefs: arr(parentRef(), 32),
    hostnames: arr(hostname(), 16),
    rules: arr(rule, 16),
  });

export const httpRouteSchema = (): S =>
  obj(
    {
      apiVersion: str(),
      kind: str(),
      metadata: { type: 'object' },
      spec: routeSpec(
        obj(
          {
            name: str({ maxLength: 253 }),
            matches: arr(httpMatch(), 64, { default: [{ path: { type: 'PathPrefix', value: '/' } }] }),
            filters: arr(httpFilter(), 16),
            backendRefs: arr(
              obj({ ...backendObjectRef(), weight: int(0, 1000000, { default: 1 }), filters: arr(httpFilter(), 16) }, ['name']),
              16,
            ),
            timeouts: obj({ request: str(), backendRequest: str() }),
          },
          [],
          { default: {} },
        ),
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
        name: str({ maxLength: 253 }),
        matches: arr(
          obj({
            method: obj({
              type: oneOf(['Exact', 'RegularExpression'], { default: 'Exact' }),
              service: str({ maxLength: 1024 }),
              method: str({ maxLength: 1024 }),
            }),
            headers: arr(headerMatch(), 16),
          }),
          8,
        ),
        filters: arr(
          obj({ type: str(), requestHeaderModifier: headerModifier(), responseHeaderModifier: headerModifier() }, ['type'], {
            'x-kubernetes-preserve-unknown-fields': true,
          }),
          16,
        ),
        backendRefs: arr(
          obj({ ...backendObjectRef(), weight: int(0, 1000000, { default: 1 }) }, ['name'], {
            'x-kubernetes-preserve-unknown-fields': true,
          }),
          16,
        ),
      }),
    ),
    status: routeStatus(),
  });
