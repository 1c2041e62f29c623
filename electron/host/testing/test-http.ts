// Test helpers: raw HTTP requests and upgrades against the host (node:http, so Host, Origin
// and Cookie can be set to anything and paths are sent exactly as written).
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a raw request (e.g. an upgrade) and collects what comes back until the socket ends or `until` matches. */
export function rawRequest(port: number, text: string, until?: RegExp, timeoutMs = 5000): Promise<{ data: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; got: ${JSON.stringify(data)}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve({ data, socket });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      data += d;
      if (until?.test(data)) done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(text);
  });
}

export function upgradeRequest(port: number, path: string, headers: Record<string, string>): string {
  const all = {
    Host: `127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  };
  return `GET ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
}
