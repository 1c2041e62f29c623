// Just enough HTTP/1.1 for the raw relay (raw-relay.ts): a request head read into what routing
// needs, or rejected when it is anything but plain (the full proxy, node's parser, then takes it);
// a response head's framing; and a scanner that finds where a chunked body ends without copying it.

export interface RequestHead {
  method: string;
  url: string;
  /** Lower-case names; repeats joined as node joins them. */
  headers: Record<string, string>;
  rawHeaders: string[];
  contentLength: number;
}

// A control character, or a CR or LF that is not part of a CRLF: node's parser refuses these, and
// a lone LF passed on could end a header line early upstream (request smuggling).
const BAD_BYTES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
const METHOD = /^[A-Z]+$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DIGITS = /^\d{1,15}$/;
// Headers whose presence makes a request not plain: upgrades, 100-continue, chunked bodies.
const NOT_PLAIN = new Set(['upgrade', 'expect', 'transfer-encoding']);
const ONCE = new Set(['host', 'content-length']);

/** A plain HTTP/1.1 request head (the text before the blank line), or undefined for anything else. */
export function parseRequestHead(text: string): RequestHead | undefined {
  if (BAD_BYTES.test(text)) return undefined;
  const lines = text.split('\r\n');
  const parts = lines[0].split(' ');
  if (parts.length !== 3 || parts[2] !== 'HTTP/1.1' || !METHOD.test(parts[0]) || parts[0] === 'CONNECT' || parts[1][0] !== '/')
    return undefined;
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return undefined; // obs-fold, spaces before the colon
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (NOT_PLAIN.has(key)) return undefined;
    if (key in headers) {
      if (ONCE.has(key)) return undefined;
      headers[key] += (key === 'cookie' ? '; ' : ', ') + value;
    } else headers[key] = value;
    rawHeaders.push(name, value);
  }
  if (headers.host === undefined) return undefined;
  if (headers.connection !== undefined && headers.connection.toLowerCase() !== 'keep-alive') return undefined;
  const cl = headers['content-length'];
  if (cl !== undefined && !DIGITS.test(cl)) return undefined;
  return { method: parts[0], url: parts[1], headers, rawHeaders, contentLength: cl === undefined ? 0 : Number(cl) };
}

export type BodyKind = 'none' | 'fixed' | 'chunked' | 'close';

export interface ResponseHead {
  status: number;
  /** The head for the client: hop-by-hop headers dropped (the original bytes when none were). */
  head: Buffer | string;
  kind: BodyKind;
  length: number;
  /** Whether the connection to the backend may carry another request after this response. */
  reusable: boolean;
}

const CONNECTION_OWN = new Set(['connection', 'keep-alive', 'proxy-connection']);

/**
 * A response head from a backend (`raw`: its bytes up to and including the blank line);
 * undefined when it is not HTTP/1.x. `closing`: the client connection ends after this response,
 * so the head tells the client so.
 */
export function parseResponseHead(raw: Buffer, requestMethod: string, closing: (kind: BodyKind) => boolean): ResponseHead | undefined {
  const text = raw.toString('latin1', 0, raw.length - 4);
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
  if (!m || BAD_BYTES.test(text)) return undefined;
  const status = Number(m[2]);
  let te: string | undefined;
  let cl: string | undefined;
  let connection = '';
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) return undefined;
    const key = lines[i].slice(0, colon).toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    if (key === 'transfer-encoding') te = te === undefined ? value : `${te}, ${value}`;
    else if (key === 'content-length') {
      if (cl !== undefined && cl !== value) return undefined;
      cl = value;
    } else if (key === 'connection') connection += `${value.toLowerCase()},`;
  }
  if (te !== undefined && cl !== undefined) return undefined; // two framings: refused, as node's parser does
  let kind: BodyKind;
  let length = 0;
  if (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304) kind = 'none';
  else if (te !== undefined) kind = /(?:^|,)\s*chunked\s*$/i.test(te) ? 'chunked' : 'close';
  else if (cl !== undefined) {
    if (!DIGITS.test(cl)) return undefined;
    length = Number(cl);
    kind = length ? 'fixed' : 'none';
  } else kind = 'close';
  const tokens = connection.split(',').map((s) => s.trim());
  const reusable = kind !== 'close' && (m[1] === '1' ? !tokens.includes('close') : tokens.includes('keep-alive'));
  const close = closing(kind);
  const named = new Set(tokens.filter((t) => t && t !== 'close' && t !== 'keep-alive'));
  let dropped = false;
  const kept = [lines[0]];
  for (let i = 1; i < lines.length; i++) {
    const key = lines[i].slice(0, lines[i].indexOf(':')).toLowerCase();
    if (CONNECTION_OWN.has(key) || named.has(key)) dropped = true;
    else kept.push(lines[i]);
  }
  if (close) kept.push('Connection: close');
  const head = dropped || close ? `${kept.join('\r\n')}\r\n\r\n` : raw;
  return { status, head, kind, length, reusable };
}

const enum C {
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  EndLf,
}

/** Finds the end of a chunked body fed to it piece by piece. */
export class ChunkScanner {
  private state = C.Size;
  private size = 0;
  private digits = 0;

  /** The index in `b` just past the body's last byte, -1 when it goes on, -2 when it is malformed. */
  scan(b: Buffer, from = 0): number {
    for (let i = from; i < b.length; i++) {
      const c = b[i];
      switch (this.state) {
        case C.Size: {
          const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (v >= 0) {
            if (++this.digits > 12) return -2;
            this.size = this.size * 16 + v;
          } else if (!this.digits) return -2;
          else if (c === 13) this.state = C.SizeLf;
          else if (c === 59 || c === 32 || c === 9) this.state = C.Ext;
          else return -2;
          break;
        }
        case C.Ext:
          if (c === 13) this.state = C.SizeLf;
          break;
        case C.SizeLf:
          if (c !== 10) return -2;
          this.state = this.size ? C.Data : C.TrailerStart;
          break;
        case C.Data: {
          const take = Math.min(this.size, b.length - i);
          this.size -= take;
          i += take - 1;
          if (!this.size) this.state = C.DataCr;
          break;
        }
        case C.DataCr:
          if (c !== 13) return -2;
          this.state = C.DataLf;
          break;
        case C.DataLf:
          if (c !== 10) return -2;
          this.state = C.Size;
          this.digits = 0;
          break;
        case C.TrailerStart:
          this.state = c === 13 ? C.EndLf : C.Trailer;
          break;
        case C.Trailer:
          if (c === 13) this.state = C.TrailerLf;
          break;
        case C.TrailerLf:
          if (c !== 10) return -2;
          this.state = C.TrailerStart;
          break;
        case C.EndLf:
          return c === 10 ? i + 1 : -2;
      }
    }
    return -1;
  }
}
