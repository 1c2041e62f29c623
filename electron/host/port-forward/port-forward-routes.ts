// /api/port-forwards (paths in protocol.ts): list, start and stop the host's port-forwards.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HostHttpError, readJsonBody, sendJson } from '../http/http-util';
import type { PortForwards } from './port-forwards';

type Only = (...allowed: string[]) => void;

/** Handles the request and returns true when the path is one of ours. */
export function createPortForwardRoutes(forwards: PortForwards) {
  return async function route(req: IncomingMessage, res: ServerResponse, path: string, only: Only): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (path === '/api/port-forwards') {
      only('GET', 'POST');
      if (method === 'GET') sendJson(res, 200, forwards.list());
      else sendJson(res, 201, await forwards.start(await readJsonBody(req)));
      return true;
    }
    const m = /^\/api\/port-forwards\/([^/]+)$/.exec(path);
    if (!m) return false;
    only('DELETE');
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      throw new HostHttpError(
        400,
        'the port-forward id in the path is not valid percent-encoding',
        'use the id as listed by GET /api/port-forwards',
      );
    }
    await forwards.stop(id);
    sendJson(res, 200, { stopped: id });
    return true;
  };
}
