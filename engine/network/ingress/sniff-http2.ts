// One listener for HTTP/1.1 and HTTP/2. Cleartext: a connection whose first bytes are the HTTP/2
// client preface is handed to the HTTP/2 server, any other to the HTTP/1.1 server, with the bytes
// read so far put back; connections are sniffed once, when they open. TLS: the protocol chosen by
// ALPN decides (`h2` → HTTP/2; `http/1.1` or none → HTTP/1.1; see chooseAlpn).
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Where an HTTP/1.1 connection goes first (the raw relay), given how to serve it with `http1` itself. */
export type Http1Intake = (socket: Socket, serve: (socket: Socket) => void) => void;

export function sniffHttp2(http1: Server, http2: Http2Server, intake?: Http1Intake): void {
  const handlers = http1.listeners('connection') as ((s: Socket) => void)[];
  http1.removeAllListeners('connection');
  const serve = (socket: Socket) => {
    for (const h of handlers) h.call(http1, socket);
  };
  http1.on('connection', (socket: Socket) => {
    let seen: Buffer = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      seen = seen.length ? Buffer.concat([seen, d]) : d;
      const n = Math.min(seen.length, PREFACE.length);
      const h2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (h2 && seen.length < PREFACE.length) return; // not decided yet
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      socket.unshift(seen);
      if (h2) http2.emit('connection', socket);
      else if (intake)
        return intake(socket, serve); // it reads the bytes put back itself
      else serve(socket);
      process.nextTick(() => socket.resume());
    };
    const onClose = () => socket.off('data', onData);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', () => socket.destroy());
  });
}

/**
 * The TLS listener's ALPN choice: HTTP/1.1 whenever the client offers it (browsers and curl keep
 * the HTTP/1.1 path, with its WebSocket upgrades and the Ingress rules), HTTP/2 for clients that
 * offer only `h2` — gRPC clients do — so their calls reach the gRPC proxy.
 */
export function chooseAlpn({ protocols }: { protocols: string[] }): string | undefined {
  if (protocols.includes('http/1.1')) return 'http/1.1';
  return protocols.includes('h2') ? 'h2' : undefined;
}

export function alpnHttp2(https: HttpsServer, http2: Http2Server, intake?: Http1Intake): void {
  const handlers = https.listeners('secureConnection') as ((s: Socket) => void)[];
  https.removeAllListeners('secureConnection');
  const serve = (socket: Socket) => {
    for (const h of handlers) h.call(https, socket);
  };
  https.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') http2.emit('connection', socket);
    else if (intake) intake(socket, serve);
    else serve(socket);
  });
}
