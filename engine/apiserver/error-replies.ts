// Every failure leaves the API server as a Kubernetes Status: handler errors, malformed HTTP the
// parser rejects before a handler runs, and failed upgrades. A 500 means a bug in Skiff: it is
// logged with the request line so it can be found.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, errors } from './status';
import { PatchError } from './patch';
import { ApplyConflictError } from './patch/apply/ownership';
import { SelectorError } from '../apimachinery/selectors';
import { StoreFullError } from '../store/types';

/** Library errors carry their own HTTP meaning; anything else is a 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PatchError) {
    // Bad patches are the client's fault even where upstream answers 500.
    const code = err.code >= 500 ? 400 : err.code;
    return new ApiError(
      code,
      err.reason || 'BadRequest',
      err.statusMessage,
      err.code === 422 ? { causes: [{ message: err.message }] } : undefined,
    );
  }
  if (err instanceof ApplyConflictError) return new ApiError(409, 'Conflict', err.message, { causes: err.causes() });
  if (err instanceof SelectorError) return errors.badRequest(err.message);
  // Input nested deeper than the stack allows got past the pre-scans (a deep but bounded body
  // that a recursive step could not take): the request's fault, and nothing was written.
  if (err instanceof RangeError && /call stack/.test(err.message)) {
    return errors.badRequest('the object is nested too deeply to be processed');
  }
  return errors.internal((err as Error)?.message ?? String(err));
}

export function requestLine(req: IncomingMessage): string {
  return `${req.method} ${String(req.url).slice(0, 300)}`;
}

/** Full disks are the machine's state, not a bug: one line a minute per server log, not a stack per request. */
const lastFullLog = new WeakMap<(line: string) => void, number>();
function logInternal(req: IncomingMessage, err: unknown, log: (line: string) => void): void {
  if (!(err instanceof StoreFullError)) return log(`apiserver: internal error on ${requestLine(req)}: ${(err as Error)?.stack ?? err}`);
  if (Date.now() - (lastFullLog.get(log) ?? 0) < 60_000) return;
  lastFullLog.set(log, Date.now());
  log(`apiserver: writes are failing: ${err.message}`);
}

/** Answers `err` as a Status; never throws (the response may already be gone). */
export function replyError(req: IncomingMessage, res: ServerResponse, err: unknown, log: (line: string) => void): void {
  try {
    const apiErr = toApiError(err);
    if (apiErr.code >= 500) logInternal(req, err, log);
    if (res.headersSent || res.destroyed) {
      res.end();
      return;
    }
    if (apiErr.code === 429 && apiErr.details?.retryAfterSeconds) res.setHeader('Retry-After', String(apiErr.details.retryAfterSeconds));
    const text = JSON.stringify(apiErr.toStatus());
    res.writeHead(apiErr.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  } catch (e) {
    log(`apiserver: could not answer ${requestLine(req)}: ${(e as Error)?.message}`);
    res.destroy();
  }
}

/** A raw HTTP/1.1 answer with a Status body, for sockets no ServerResponse owns (upgrades, parse errors). */
export function rawStatusReply(err: ApiError, extraHeaders = ''): string {
  const body = JSON.stringify(err.toStatus());
  return `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`;
}

/**
 * Node's HTTP parser refuses malformed requests before any handler sees them (bad header
 * bytes, bad chunked encoding, oversized headers); its default answer has no body.
 */
export function onClientError(err: NodeJS.ErrnoException & { bytesParsed?: number }, socket: Duplex): void {
  // The HTTPS server sends TLS failures (handshake timeouts, bad handshakes) here too: there is
  // no HTTP connection to answer on, so drop it. Only HTTP parse errors get a Status.
  const code = err.code ?? '';
  if (!(code.startsWith('HPE_') || code.startsWith('ERR_HTTP_')) || !socket.writable) {
    socket.destroy();
    return;
  }
  const apiErr =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'RequestHeaderFieldsTooLarge', 'Request Header Fields Too Large')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(408, 'Timeout', 'the request did not arrive in time')
        : errors.badRequest(`malformed HTTP request: ${err.code ?? err.message}`);
  socket.end(rawStatusReply(apiErr));
}
