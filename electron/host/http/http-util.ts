// Small HTTP helpers for the host API: JSON replies, HostError replies, JSON request bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostError } from '../protocol';

/** An error the API answers with its status and a HostError body. */
export class HostHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HostHttpError';
  }
  toBody(): HostError {
    return this.hint ? { error: this.message, hint: this.hint } : { error: this.message };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendHostError(res: ServerResponse, err: unknown): void {
  const e = err instanceof HostHttpError ? err : toHostError(err);
  sendJson(res, e.status, e.toBody());
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** SkiffError (engine) has what/fix; keep both parts for the user. Anything else is a 500. */
export function toHostError(err: unknown): HostHttpError {
  if (err instanceof HostHttpError) return err;
  const e = err as { name?: string; what?: string; fix?: string; message?: string };
  if (e?.name === 'SkiffError' && e.what) return new HostHttpError(400, e.what, e.fix);
  return new HostHttpError(
    500,
    `internal error: ${String(e?.message ?? err).split('\n')[0]}`,
    'this looks like a bug; the host log has details',
  );
}

const MAX_BODY = 1 << 20;

/** Reads a JSON body; an empty body is `undefined`. Bad JSON or a huge body is a 400/413. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HostHttpError(413, `request body is larger than ${MAX_BODY} bytes`, 'send a smaller JSON body');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HostHttpError(400, `request body is not valid JSON (${(err as Error).message})`, 'send a JSON object');
  }
}
