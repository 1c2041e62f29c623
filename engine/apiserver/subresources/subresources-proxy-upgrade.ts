// pods/proxy and services/proxy for Upgrade requests (a WebSocket app opened through `kubectl
// proxy` or the API server's URL): the same id forms, admission and address rules as plain
// proxy requests (subresources-proxy.ts), then the connection is relayed as it is upgraded.
// nodes/proxy answers from the API server's own view and has nothing to upgrade to.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiCore } from '../api-core';
import type { Route } from '../routes';
import type { UserInfo } from '../../apimachinery/user-info';
import { errors } from '../status';
import { collectingRequest } from '../admission/admission-request';
import { relayUpgrade } from '../streaming/http-proxy-upgrade';
import { admitProxy, podLocation, proxySubpath, serviceLocation } from './subresources-proxy';

type ResourceRoute = Extract<Route, { type: 'resource' }>;

export async function handleProxyUpgrade(
  core: ApiCore,
  route: ResourceRoute,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  user?: UserInfo,
): Promise<void> {
  const locate = route.plural === 'pods' ? podLocation : route.plural === 'services' ? serviceLocation : undefined;
  if (route.group !== '' || !route.name || !locate) throw errors.notFoundPath();
  const def = core.kinds.byResource('', 'v1', route.plural)!;
  const call = { deps: core.deps, def, ns: route.namespace, name: route.name, request: user && collectingRequest(user, () => {}) };
  const { path } = proxySubpath((req.url ?? '').split('?')[0], def.plural, route.name);
  await admitProxy(call, path);
  const loc = await locate(call, route.name);
  await relayUpgrade(req, socket, head, { ...loc, path: path || '/' });
}
