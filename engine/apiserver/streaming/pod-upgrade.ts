// Upgraded pod streams: pods/{name}/exec, /attach and /portforward over WebSocket
// (v5/v4.channel.k8s.io, SPDY inside WebSocket) or SPDY/3.1. Looks the pod's node up in the
// node-streams registry and hands the socket to the protocol handler.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiCore } from '../api-core';
import type { Route } from '../routes';
import { errors } from '../status';
import { handleExecUpgrade } from './pod-exec-upgrade';
import { handlePortForwardUpgrade } from './pod-portforward';
import { connectOptions } from '../admission/connect-options';
import type { UserInfo } from '../../apimachinery/user-info';
import { collectingRequest } from '../admission/admission-request';

type ResourceRoute = Extract<Route, { type: 'resource' }>;

export async function handlePodUpgrade(
  core: ApiCore,
  route: ResourceRoute,
  q: URLSearchParams,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  user?: UserInfo,
): Promise<void> {
  if (route.group !== '' || route.plural !== 'pods' || !route.name) throw errors.notFoundPath();
  if (!['exec', 'attach', 'portforward'].includes(route.subresource ?? '')) throw errors.notFoundPath();
  const def = core.kinds.byResource('', 'v1', 'pods')!;
  const pod = await core.resources.get(def, route.namespace, route.name);
  // Admission's CONNECT step (webhooks on pods/exec and the like) before anything is opened.
  const options = connectOptions(route.subresource!, q);
  await core.admission.admitConnect?.(def, pod, options, route.subresource!, user && collectingRequest(user, () => {}));
  const node = pod.spec?.nodeName;
  if (!node) throw errors.badRequest(`pod ${route.name} does not have a host assigned`);
  const streams = core.nodeStreams.get(node);
  if (!streams) throw errors.serviceUnavailable(`node "${node}" does not serve ${route.subresource} (simulated nodes run no processes)`);
  // One handler per subresource; each validates before upgrading so errors stay HTTP Status.
  if (route.subresource === 'exec' || route.subresource === 'attach')
    return handleExecUpgrade(route.subresource, pod, streams, q, req, socket, head);
  if (route.subresource === 'portforward') return handlePortForwardUpgrade(pod, streams, q, req, socket, head);
  throw errors.serviceUnavailable(`${route.subresource} is not implemented yet`);
}
