// Upgrades through the proxy subresources (upstream's UpgradeAwareHandler): a WebSocket (or any
// Upgrade) request to .../proxy/... is sent on to the resolved pod address with its Upgrade and
// Connection headers; a 101 from the backend is passed back and the two sockets are joined,
// any other answer is passed back as it is and the connection closed. The caller's credentials
// stay here, as for plain requests (http-proxy.ts).
import { request as httpRequest, type IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { errors } from '../status';
import { dialError, forwardedHeaders, type ProxyTarget } from './http-proxy';

/** A refused upgrade's body is passed back up to this size (it is an error page, not a stream). */
const MAX_REFUSAL_BYTES = 1 << 20;

/** Resolves once the exchange is handed over (101) or answered; rejects (before writing) when the backend cannot be reached. */
export function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ProxyTarget): Promise<void> {
  const hostPort = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const headers = forwardedHeaders(req);
  headers.connection = 'Upgrade';
  headers.upgrade = String(req.headers.upgrade ?? '');
  const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
  const send = target.scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let answered = false;
    const out = send({
      host: target.host,
      port: target.port,
      method: req.method,
      path: target.path + query,
      headers,
      agent: false,
      ...(target.scheme === 'https' ? { rejectUnauthorized: false } : {}),
    });
    out.on('upgrade', (res: IncomingMessage, up: Duplex, upHead: Buffer) => {
      answered = true;
      socket.write(statusHead(res, res.headers));
      if (upHead.length) socket.write(upHead);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
      const close = () => {
        up.destroy();
        socket.destroy();
      };
      up.on('error', close);
      socket.on('error', close);
      up.on('close', close);
      socket.on('close', close);
      resolve();
    });
    out.on('response', (res: IncomingMessage) => {
      answered = true;
      // No upgrade: the backend's answer (e.g. 400 or 404), then the connection ends.
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size <= MAX_REFUSAL_BYTES) chunks.push(d);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const h: IncomingHttpHeaders = { ...res.headers, connection: 'close', 'content-length': String(body.length) };
        delete h['transfer-encoding'];
        socket.end(Buffer.concat([Buffer.from(statusHead(res, h)), body]));
        resolve();
      });
      res.on('error', () => {
        socket.destroy();
        resolve();
      });
    });
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (answered) return socket.destroy();
      reject(errors.serviceUnavailable(`error trying to reach service: ${dialError(e, hostPort)}`));
    });
    socket.on('close', () => {
      if (!answered) out.destroy();
    });
    out.end();
  });
}

function statusHead(res: IncomingMessage, headers: IncomingHttpHeaders): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
