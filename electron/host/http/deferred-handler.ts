// A request handler standing in for one still loading (the app host's API, app-main.ts):
// requests and upgrades wait for it, then go to it; if it cannot load they get the error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler, UpgradeHandler } from './server';
import { sendHostError } from './http-util';

/** get() is called for every request (it returns the same promise each time). */
export function createDeferredHandler(get: () => Promise<RequestHandler>): UpgradeHandler {
  return {
    handle(req: IncomingMessage, res: ServerResponse) {
      get().then(
        (h) => h.handle(req, res),
        (err) => {
          req.resume();
          if (!res.headersSent) sendHostError(res, err);
        },
      );
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      get().then(
        (h) => (h.upgrade ? h.upgrade(req, socket, head) : socket.destroy()),
        () => socket.destroy(),
      );
    },
  };
}
