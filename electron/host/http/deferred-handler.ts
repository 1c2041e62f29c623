// A request handler standing in for one still loading (the app host's API, app-main.ts):
// requests and upgrades wait for it, then go to it; if it cannot load they get the error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler, UpgradeHandler } from './server';
import { sendHostError } from './http-util';

/** get() is called for every request (it returns the same promise each time). */
export function createDeferredHandler(get: () => Promise<RequestHandler>): UpgradeHandler {
  // Kept once loaded, so close() reaches it: the API's close ends its WebSockets (terminals),
  // which the HTTP server's own close cannot see and would otherwise wait for forever.
  let loaded: RequestHandler | undefined;
  let closed = false;
  const ready = () =>
    get().then((h) => {
      loaded = h;
      if (closed) h.close?.();
      return h;
    });
  return {
    close() {
      closed = true;
      loaded?.close?.();
    },
    handle(req: IncomingMessage, res: ServerResponse) {
      ready().then(
        (h) => h.handle(req, res),
        (err) => {
          req.resume();
          if (!res.headersSent) sendHostError(res, err);
        },
      );
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      ready().then(
        (h) => (h.upgrade ? h.upgrade(req, socket, head) : socket.destroy()),
        () => socket.destroy(),
      );
    },
  };
}
