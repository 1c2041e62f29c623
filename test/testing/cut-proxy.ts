// A pass-through HTTP proxy on loopback whose open responses a test can cut mid-stream (the
// socket destroyed, as when a network drops): for checking that followers resume cleanly.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface CutProxy {
  /** http://127.0.0.1:<port>: requests sent here go on to the target with the same path and headers. */
  url: string;
  /** Responses currently streaming through. */
  open(): number;
  /** Destroys every open connection; returns how many were cut. */
  cut(): number;
  close(): Promise<void>;
}

/**
 * setHeaders: request headers to replace on the way (a browser routed here by the test marks its
 * same-origin request as from another port, which the app's host would refuse).
 */
export async function startCutProxy(target: string, setHeaders: Record<string, string> = {}): Promise<CutProxy> {
  const to = new URL(target);
  const live = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const up = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, ...setHeaders, host: to.host } },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.flushHeaders();
        live.add(req.socket);
        upRes.pipe(res);
        upRes.on('end', () => live.delete(req.socket));
      },
    );
    up.on('error', () => res.destroy());
    req.socket.on('close', () => {
      live.delete(req.socket);
      up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => live.size,
    cut() {
      const n = live.size;
      for (const s of live) s.destroy();
      live.clear();
      return n;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
