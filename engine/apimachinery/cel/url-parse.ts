// URLs parsed as Go's net/url parses them, the parts CEL's url() and format.uri() read:
// ParseRequestURI's acceptance (an absolute URI or an absolute path) and Parse's components
// (scheme, host, port, escaped path, query). Errors read like Go's.

export interface ParsedUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
}

import { utf8Decode, utf8Encode } from './values';

const err = (raw: string, why: string) => new Error(`parse ${JSON.stringify(raw)}: ${why}`);

function unescape(s: string, mode: 'path' | 'host' | 'query'): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === '+' && mode === 'query') bytes.push(32);
    else bytes.push(...utf8Encode(c));
  }
  return utf8Decode(Uint8Array.from(bytes));
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's shouldEscape for a path segment (encodePath). */
const pathKeeps = (c: string) => UNRESERVED.test(c) || '$&+,/:;=@'.includes(c);

function escapePath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (ch.length === 1 && pathKeeps(ch)) out += ch;
    else for (const x of utf8Encode(ch)) out += `%${x.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's validEncoded(s, encodePath). */
function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (!(c.length === 1 && pathKeeps(c))) return false;
  }
  return true;
}

export function escapedPath(u: ParsedUrl): string {
  if (u.rawPath && validEncodedPath(u.rawPath)) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to escaping the decoded path
    }
  }
  return escapePath(u.path);
}

function validPort(p: string): boolean {
  return p === '' || /^:[0-9]*$/.test(p);
}

function parseHost(raw: string, host: string): string {
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) throw err(raw, "missing ']' in host");
    if (!validPort(host.slice(end + 1))) throw err(raw, `invalid port ${JSON.stringify(host.slice(end + 1))} after host`);
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validPort(host.slice(i))) throw err(raw, `invalid port ${JSON.stringify(host.slice(i))} after host`);
  }
  for (const c of host) {
    if (c <= ' ' || '<>"{}|\\^`'.includes(c)) throw err(raw, `invalid character ${JSON.stringify(c)} in host name`);
  }
  return unescape(host, 'host');
}

/** Go's url.Parse (viaRequest false: a fragment is cut first) or url.ParseRequestURI (true). */
export function parseUrl(raw: string, viaRequest: boolean): ParsedUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw err(raw, 'net/url: invalid control character in URL');
  let rest = viaRequest ? raw : raw.split('#')[0];
  const u: ParsedUrl = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '' };
  if (rest === '' && viaRequest) throw err(raw, 'empty url');
  if (rest === '*') return { ...u, path: '*' };
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(rest);
  if (m) {
    u.scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) throw err(raw, 'missing protocol scheme');
  const q = rest.indexOf('?');
  if (rest.endsWith('?') && q === rest.length - 1) rest = rest.slice(0, -1);
  else if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  if (!rest.startsWith('/')) {
    if (u.scheme) return { ...u, opaque: rest };
    if (viaRequest) throw err(raw, 'invalid URI for request');
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) throw err(raw, 'first path segment in URL cannot contain colon');
  }
  if ((u.scheme || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const authEnd = rest.indexOf('/', 2);
    const authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, authEnd);
    rest = authEnd < 0 ? '' : rest.slice(authEnd);
    const at = authority.lastIndexOf('@');
    u.host = parseHost(raw, at < 0 ? authority : authority.slice(at + 1));
  }
  try {
    u.path = unescape(rest, 'path');
  } catch (e) {
    throw err(raw, (e as Error).message);
  }
  u.rawPath = rest;
  return u;
}

export function hostname(u: ParsedUrl): string {
  const h = u.host;
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const i = h.lastIndexOf(':');
  return i < 0 ? h : h.slice(0, i);
}

export function port(u: ParsedUrl): string {
  const h = u.host;
  const i = h.lastIndexOf(':');
  if (i < 0 || (h.startsWith('[') && i < h.indexOf(']'))) return '';
  return h.slice(i + 1);
}

/** Go's url.ParseQuery: repeated keys collect values; pairs that fail to decode are skipped. */
export function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    try {
      const k = unescape(eq < 0 ? pair : pair.slice(0, eq), 'query');
      const v = eq < 0 ? '' : unescape(pair.slice(eq + 1), 'query');
      out.set(k, [...(out.get(k) ?? []), v]);
    } catch {
      // Go records the first error and goes on; the pair is dropped.
    }
  }
  return out;
}
