// GET /api/events: Server-Sent Events, one HostEvent per `data:` line. A new stream first
// gets the current clusters and profiles, then every change; a comment ping keeps proxies
// and the browser from timing it out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventHub } from './event-hub';
import type { HostEvent } from '../protocol';

export interface EventStreams {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Ends every open stream. */
  close(): void;
}

export function createEventStreams(opts: { hub: EventHub; initial: () => HostEvent[]; pingMs?: number }): EventStreams {
  const open = new Set<ServerResponse>();
  const pingMs = opts.pingMs ?? 15_000;
  return {
    handle(req, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        Connection: 'keep-alive',
      });
      const send = (ev: HostEvent) => res.write(`data: ${JSON.stringify(ev)}\n\n`);
      for (const ev of opts.initial()) send(ev);
      const unsubscribe = opts.hub.subscribe(send);
      const ping = setInterval(() => res.write(': ping\n\n'), pingMs);
      open.add(res);
      const done = () => {
        clearInterval(ping);
        unsubscribe();
        open.delete(res);
      };
      req.on('close', done);
      res.on('close', done);
    },
    close() {
      for (const res of [...open]) res.end();
    },
  };
}
