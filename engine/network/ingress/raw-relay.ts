// The ingress's fast lane for plain HTTP/1.1 (the common case: keep-alive GETs and requests with a
// Content-Length). It reads only a request's head to route it, writes the head for the pod and
// then relays bytes: the body up, the response back as the pod sent it (hop-by-hop headers
// dropped), keeping one kept-alive pod connection pinned to the client connection while requests
// go to the same endpoint. It tracks each response's framing only to know when the next request
// may be routed. Node's http machinery on both sides (parse, objects, re-serialise, agent) cost
// more than the relaying. Anything else (upgrades, 100-continue, chunked uploads, HTTP/1.0, odd
// heads, the proxy's own answers, routes that edit responses, a pod that cannot be reached) is
// handed to the full proxy, with the request's bytes put back, for the rest of the connection.
import type { Socket } from 'node:net';
import type { Endpoint } from '../table';
import { createPodConnections, endpointKey, type PodConnection, type PodConnectionOwner } from './pod-connections';
import { statusText } from './status-text';
import { ChunkScanner, parseRequestHead, parseResponseHead, type BodyKind, type RequestHead } from './http1-framing';

/** A parsed request as the router reads it (what an IncomingMessage offers the routing code). */
export interface RelayRequest extends RequestHead {
  socket: Socket;
}

/** What the proxy decided: `target` and `head` to relay it here; without them the full proxy serves it. */
export interface RelayPlan {
  /** The route, kept for the full proxy when this request is handed over (routing has side effects). */
  route: unknown;
  target?: Endpoint;
  /** The request head for the pod, blank line included. */
  head?: string;
}

export interface RawRelay {
  /** Serves a new client connection; `handOver` gives it to the full proxy with `plan` for its next request. */
  take(client: Socket, handOver: (client: Socket, plan: RelayPlan | undefined) => void): void;
  /** Closes idle pod connections to endpoints not in `live`. */
  retain(live: Endpoint[]): void;
  close(): void;
}

const MAX_HEAD = 16 * 1024;
const MAX_RESPONSE_HEAD = 64 * 1024;
const CLIENT_IDLE_MS = 5_000; // node's keepAliveTimeout
const SMALL = 16 * 1024; // head and body written as one buffer below this

const join = (a: Buffer | string, b: Buffer) =>
  typeof a === 'string' ? Buffer.concat([Buffer.from(a, 'latin1'), b]) : b.length ? Buffer.concat([a, b]) : a;

export function createRawRelay(o: { plan(req: RelayRequest): RelayPlan; connect(host: string, port: number): Promise<Socket> }): RawRelay {
  const pods = createPodConnections();
  const clients = new Set<Socket>();

  function take(client: Socket, handOver: (client: Socket, plan: RelayPlan | undefined) => void) {
    clients.add(client);
    client.setNoDelay(true);
    let buf: Buffer | undefined; // client bytes not relayed yet
    let busy = false; // a request is on its way or being answered
    let ended = false; // the client sent FIN
    let closing = false; // the connection ends after this response
    let up: PodConnection | undefined; // pinned pod connection (serving, or idle)
    // The request in flight.
    let plan: RelayPlan | undefined;
    let method = '';
    let requestBytes: Buffer | undefined; // its head as the client sent it, for a hand-over
    let bodyLeft = 0;
    let bodySent = false;
    // Its response.
    let resHead: Buffer | undefined;
    let headDone = false;
    let kind: BodyKind = 'none';
    let left = 0;
    let reusable = false;
    let chunks: ChunkScanner | undefined;

    const conn: PodConnectionOwner = {
      onData: (u, d) => (u === up ? fromPod(d) : u.socket.destroy()),
      onClose: (u) => u === up && podClosed(),
    };
    /** Lets go of the pinned pod connection: back to the pool when idle, closed mid-request. */
    const unpin = () => {
      if (up && busy) up.socket.destroy();
      else if (up) pods.release(up);
      up = undefined;
    };
    const bytes = (d: Buffer) => (buf = buf ? Buffer.concat([buf, d]) : d);
    const onClientData = (d: Buffer) => {
      if (closing) return;
      if (busy && bodyLeft && up && requestBytes === undefined) return relayBody(d);
      bytes(d);
      if (!busy) next();
      else if (buf!.length > MAX_HEAD) client.pause(); // a pipelining client waits for its answers
    };
    const onEnd = () => {
      ended = true;
      if (!busy) client.end();
    };
    const onTimeout = () => {
      if (!busy) client.destroy();
    };
    const onClose = () => {
      clients.delete(client);
      unpin();
    };
    client.on('data', onClientData);
    client.on('end', onEnd);
    client.on('error', () => {});
    client.on('close', onClose);
    client.setTimeout(CLIENT_IDLE_MS, onTimeout);
    client.resume(); // a sniffed connection comes paused, its first bytes put back

    function giveUp(p: RelayPlan | undefined, rest: Buffer | undefined) {
      if (ended) return answerLast(p);
      client.off('data', onClientData);
      client.off('end', onEnd);
      client.off('close', onClose);
      client.off('timeout', onTimeout);
      client.setTimeout(0);
      clients.delete(client);
      unpin();
      busy = false;
      client.pause();
      if (rest?.length) client.unshift(rest);
      handOver(client, p);
      process.nextTick(() => client.resume());
    }

    /**
     * Node's parser cannot be given bytes back once the client has sent its FIN, so the last
     * request of a half-closed connection that the relay cannot serve is answered here, briefly.
     */
    function answerLast(p: RelayPlan | undefined) {
      unpin();
      busy = false;
      closing = true;
      const [status, text] = p?.target
        ? [502, `cannot reach ${p.target.ip}:${p.target.port}.`]
        : [400, 'this request needs the full proxy, which cannot take a connection the client has half-closed.'];
      const body = `${status} ${statusText(status)}: ${text}\n`;
      client.end(
        `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Skiff-Ingress: error\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }

    /** Routes the next buffered request, if its head is complete. */
    function next() {
      if (!buf) return;
      // The listener was closed (a Gateway's went away): kept-alive connections serve no more.
      if ((client as Socket & { server?: { listening: boolean } }).server?.listening === false) {
        closing = true;
        return void client.end();
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return void (buf.length > MAX_HEAD && giveUp(undefined, buf));
      const head = parseRequestHead(buf.toString('latin1', 0, end));
      if (!head) return giveUp(undefined, buf);
      const p = o.plan({ ...head, socket: client });
      if (!p.target || !p.head) return giveUp(p, buf);
      plan = p;
      method = head.method;
      requestBytes = buf.subarray(0, end + 4);
      buf = end + 4 < buf.length ? buf.subarray(end + 4) : undefined;
      bodyLeft = head.contentLength;
      bodySent = false;
      resHead = undefined;
      headDone = false;
      busy = true;
      const key = endpointKey(p.target);
      if (up && (up.key !== key || up.socket.destroyed)) {
        pods.release(up);
        up = undefined;
      }
      up ??= pods.take(key);
      if (up) return send(up);
      o.connect(p.target.ip, p.target.port).then(
        (s) => {
          const u = pods.add(s, key);
          if (client.destroyed || plan !== p) return pods.release(u);
          send((up = u));
        },
        () => {
          // The full proxy tries the other endpoints and words the 502.
          if (!client.destroyed && plan === p) giveUp(p, join(requestBytes!, buf ?? Buffer.alloc(0)));
        },
      );
    }

    function send(u: PodConnection) {
      u.owner = conn;
      u.serving = true;
      let body: Buffer = Buffer.alloc(0);
      if (bodyLeft && buf) {
        body = buf.length > bodyLeft ? buf.subarray(0, bodyLeft) : buf;
        buf = buf.length > bodyLeft ? buf.subarray(bodyLeft) : undefined;
        bodyLeft -= body.length;
      }
      const head = plan!.head!;
      if (body.length < SMALL) u.socket.write(join(head, body));
      else {
        u.socket.cork();
        u.socket.write(head, 'latin1');
        u.socket.write(body);
        u.socket.uncork();
      }
      bodySent = body.length > 0 || bodyLeft > 0;
      if (bodyLeft) requestBytes = undefined; // the rest of the body streams from the client (relayBody)
    }

    function relayBody(d: Buffer) {
      const part = d.length > bodyLeft ? d.subarray(0, bodyLeft) : d;
      if (d.length > bodyLeft) bytes(d.subarray(bodyLeft));
      bodyLeft -= part.length;
      if (!up!.socket.write(part)) {
        client.pause();
        up!.socket.once('drain', () => client.resume());
      }
    }

    function toClient(b: Buffer | string) {
      if (!client.write(b) && up) {
        const s = up.socket;
        s.pause();
        client.once('drain', () => s.resume());
      }
    }

    /** Bytes from the pod: the response's head, then its body until its framing says it ended. */
    function fromPod(d: Buffer) {
      if (!busy) return void up?.socket.destroy(); // nothing asked: not a connection to keep
      let at = 0;
      while (!headDone) {
        resHead = resHead ? Buffer.concat([resHead, d.subarray(at)]) : d.subarray(at);
        at = d.length;
        const end = resHead.indexOf('\r\n\r\n');
        if (end < 0) {
          if (resHead.length > MAX_RESPONSE_HEAD) fail();
          return;
        }
        const r = parseResponseHead(resHead.subarray(0, end + 4), method, (k) => k === 'close' || ended);
        if (!r || r.status === 101) return fail();
        const rest = resHead.subarray(end + 4);
        resHead = undefined;
        requestBytes = undefined; // answered: no hand-over any more
        if (r.status < 200) {
          toClient(r.head);
          d = rest;
          at = 0;
          continue;
        }
        headDone = true;
        kind = r.kind;
        left = r.length;
        reusable = r.reusable;
        chunks = kind === 'chunked' ? new ChunkScanner() : undefined;
        if (kind === 'none') {
          toClient(r.head);
          return done(rest.length === 0);
        }
        // One write for the head and what came with it.
        return body(rest, r.head);
      }
      body(d.subarray(at));
    }

    function body(d: Buffer, head?: Buffer | string) {
      let end = -1; // where the body ends in d (-1: not in it)
      if (kind === 'fixed') {
        if (d.length >= left) end = left;
        else left -= d.length;
      } else if (kind === 'chunked') {
        end = chunks!.scan(d);
        if (end === -2) return fail();
      }
      const part = end >= 0 ? d.subarray(0, end) : d;
      if (head !== undefined && part.length < SMALL) toClient(join(head, part));
      else {
        if (head !== undefined) toClient(head);
        if (part.length) toClient(part);
      }
      if (end >= 0) done(end === d.length);
    }

    /** The response ended; `clean`: the pod sent nothing after it. */
    function done(clean: boolean) {
      busy = false;
      if (up) up.serving = false;
      if (up && (!clean || !reusable || bodyLeft)) {
        up.socket.destroy();
        up = undefined;
      }
      if (bodyLeft || ended) {
        // Answered before its body was all here (or the client is done): the connection ends.
        closing = true;
        return void client.end();
      }
      client.resume();
      next();
    }

    function podClosed() {
      const gone = up;
      up = undefined;
      if (!busy) return;
      if (headDone && kind === 'close') {
        busy = false;
        closing = true;
        return void client.end();
      }
      gone?.socket.destroy();
      // Not answered yet and nothing of the body sent: the full proxy tries again (a kept-alive
      // connection the pod closed just as the request went out).
      if (!headDone && requestBytes && !bodySent) return giveUp(plan, join(requestBytes, buf ?? Buffer.alloc(0)));
      client.destroy();
    }

    function fail() {
      up?.socket.destroy();
      up = undefined;
      if (requestBytes && !bodySent && !headDone) return giveUp(plan, join(requestBytes, buf ?? Buffer.alloc(0)));
      client.destroy();
    }
  }

  return {
    take,
    retain: (live) => pods.retain(live),
    close() {
      for (const c of clients) c.destroy();
      pods.close();
    },
  };
}
