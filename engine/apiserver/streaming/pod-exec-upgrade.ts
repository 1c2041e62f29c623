// Upgraded pods/{name}/exec and /attach: validate, open the node session, then speak
// WebSocket channels (kubectl 1.30+, client-node) or SPDY/3.1 (older kubectl) around it.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { KubeObject } from '../../kinds/types';
import type { NodeStreams } from '../../client/node-streams';
import { errorStatus, openSession, parseExecRequest, pumpSession, type ExecKind, type ExecTransport } from './pod-exec';
import { acceptSpdyExec, isSpdyExecUpgrade, pickSpdyProtocol } from './spdy-exec';
import { errors } from '../status';
import { acceptChannelWebSocket, channelTransport, isWebSocketUpgrade, pickChannelProtocol } from '../websocket-channels';

export async function handleExecUpgrade(
  kind: ExecKind,
  pod: KubeObject,
  streams: NodeStreams,
  q: URLSearchParams,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  const request = parseExecRequest(kind, pod, q);
  // The process starts only once the client's streams are ready, so no early output is lost;
  // a node failure after the upgrade is reported as a Status on the error channel.
  const run = async (transport: ExecTransport) => {
    let session;
    try {
      session = await openSession(streams, pod, request);
    } catch (err) {
      transport.finish(errorStatus((err as Error)?.message ?? String(err)));
      return;
    }
    await pumpSession(session, transport);
  };
  if (isWebSocketUpgrade(req)) {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    if (!pickChannelProtocol(offered)) throw errors.badRequest(`none of the offered subprotocols are supported: ${offered.join(', ')}`);
    const ws = await acceptChannelWebSocket(req, socket, head);
    await run(channelTransport(ws));
    return;
  }
  if (isSpdyExecUpgrade(req)) {
    const protocol = pickSpdyProtocol(req);
    if (!protocol) throw errors.badRequest('unable to upgrade: no supported X-Stream-Protocol-Version was offered');
    await run(await acceptSpdyExec(socket, head, protocol, request.opts));
    return;
  }
  throw errors.badRequest(`unable to upgrade: unsupported protocol ${String(req.headers.upgrade ?? '')}`);
}
