// An HTTPS server that listens at once and gets its certificates later: the ingress's (the
// localhost CA and its `localhost` leaf) are x509 work a cluster's start need not wait for.
// Connections accepted before they exist wait, unread (pauseOnConnect), and the TLS handshake
// starts once they do; the first such connection asks for them if no one has yet.
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { chooseAlpn } from './sniff-http2';

export interface HttpsCertificates {
  /** The default certificate and key (PEM): clients that send no server name, or one without its own. */
  cert: string;
  key: string;
  SNICallback(serverName: string, cb: (err: Error | null, ctx?: SecureContext) => void): void;
}

export interface DeferredHttps {
  /** Not listening yet: listen on it (listenOnFirst), attach the handlers. */
  readonly server: HttpsServer;
  /** Makes the certificates (once) and lets waiting connections in; rejects when they cannot be made. */
  start(): Promise<void>;
  /** Drops the connections still waiting (closing the server is its owner's). */
  close(): void;
}

export function deferredHttps(certificates: () => Promise<HttpsCertificates>): DeferredHttps {
  let certs: HttpsCertificates | undefined;
  let made: Promise<void> | undefined;
  let closed = false;
  const waiting = new Set<Socket>();
  const server = createHttpsServer({
    pauseOnConnect: true,
    ALPNCallback: chooseAlpn,
    // Called only in a handshake, so only once `certs` is set.
    SNICallback: (name, cb) => certs!.SNICallback(name, cb),
  });
  // The TLS server's own connection handler (it starts the handshake) runs once certificates exist.
  const handshake = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const admit = (socket: Socket) => {
    for (const h of handshake) h.call(server, socket);
  };

  const start = () =>
    (made ??= certificates().then(
      (c) => {
        certs = c;
        server.setSecureContext({ cert: c.cert, key: c.key });
        for (const s of waiting) if (!closed) admit(s);
        waiting.clear();
      },
      (e: unknown) => {
        for (const s of waiting) s.destroy();
        waiting.clear();
        throw e;
      },
    ));

  server.on('connection', (socket: Socket) => {
    if (certs) return admit(socket);
    if (closed) return socket.destroy();
    waiting.add(socket);
    socket.once('close', () => waiting.delete(socket));
    start().catch(() => {}); // the failure is start()'s caller's to report; the socket is gone
  });

  return {
    server,
    start,
    close() {
      closed = true;
      for (const s of waiting) s.destroy();
      waiting.clear();
    },
  };
}
