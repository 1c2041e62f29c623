// portforward over WebSocket channels (client-node, and the websocket port-forward protocol):
// the ports come from the query; port i uses channel 2i for data and 2i+1 for errors, and the
// first message we send on each channel is the port as a little-endian uint16. One pod
// connection per port per WebSocket; the WebSocket closes when every pod connection is done.
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import type { NodeStreams } from '../../client/node-streams';
import { forwardErrorMessage, type WsSocket } from './pod-portforward';

export function channelPortForward(ws: WsSocket, pod: KubeObject, streams: NodeStreams, ports: number[]): void {
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  const portBytes = (port: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(port);
    return b;
  };
  const targets: Array<Duplex | undefined> = [];
  const early: Buffer[][] = ports.map(() => []);
  let open = ports.length;
  let closed = false;
  const done = () => {
    open -= 1;
    if (open <= 0 && !closed) {
      closed = true;
      ws.close(1000);
    }
  };

  ports.forEach((port, i) => {
    send(2 * i, portBytes(port));
    send(2 * i + 1, portBytes(port));
    let finished = false;
    const finish = (message?: string) => {
      if (finished) return;
      finished = true;
      if (message) send(2 * i + 1, Buffer.from(message));
      done();
    };
    streams.portForward(pod, port).then(
      (target) => {
        if (closed) return void target.destroy();
        targets[i] = target;
        let connected = false;
        target.on('data', (chunk: Buffer) => {
          connected = true;
          send(2 * i, chunk);
        });
        target.on('error', (err) => finish(connected ? undefined : forwardErrorMessage(pod, port, err)));
        target.on('close', () => finish());
        for (const b of early[i].splice(0)) target.write(b);
      },
      (err) => finish(forwardErrorMessage(pod, port, err)),
    );
  });

  ws.on('message', (raw, isBinary) => {
    const data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    if (!isBinary || data.length < 1) return;
    const channel = data[0];
    if (channel % 2 !== 0) return; // clients never write on error channels
    const i = channel / 2;
    if (i >= ports.length) return;
    const payload = data.subarray(1);
    if (payload.length === 0) return;
    if (targets[i]) targets[i]!.write(payload);
    else early[i].push(payload);
  });
  const teardown = () => {
    closed = true;
    for (const t of targets) t?.destroy();
  };
  ws.on('close', teardown);
  ws.on('error', teardown);
}
