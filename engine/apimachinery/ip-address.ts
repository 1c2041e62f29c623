// IPv4 and IPv6 addresses and prefixes parsed as Go's net/netip parses them (no leading zeros in
// IPv4 octets, at most one "::", an IPv4 tail in IPv6, a %zone), printed in netip's canonical
// form (RFC 5952: lower case, the longest run of two or more zero groups as "::"). The one IP
// parser for CEL's ip()/cidr() and anything else that must agree with upstream's netip.

export interface IpAddress {
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
  zone: string;
}

export interface IpPrefix {
  addr: IpAddress;
  bits: number;
}

/** Parses like netip.ParseAddr; the error text follows Go's. */
export function parseIpAddress(s: string): IpAddress | { error: string } {
  const fail = (why: string) => ({ error: `ParseAddr(${JSON.stringify(s)}): ${why}` });
  if (s === '') return fail('unable to parse IP');
  for (const c of s) {
    if (c === '.') {
      const v4 = parseV4(s);
      return typeof v4 === 'string' ? fail(v4) : { bytes: v4, zone: '' };
    }
    if (c === ':') {
      const v6 = parseV6(s);
      return typeof v6 === 'string' ? fail(v6) : v6;
    }
    if (c === '%') break;
  }
  return fail('unable to parse IP');
}

function parseV4(s: string): number[] | string {
  const out: number[] = [];
  let val = -1;
  let digits = 0;
  for (const c of s) {
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) return 'IPv4 field has octet with leading zero';
      val = (val < 0 ? 0 : val) * 10 + Number(c);
      digits++;
      if (val > 255) return 'IPv4 field has value >255';
    } else if (c === '.') {
      if (digits === 0) return 'IPv4 field must have at least one digit';
      if (out.length === 3) return 'IPv4 address too long';
      out.push(val);
      val = -1;
      digits = 0;
    } else return `unexpected character`;
  }
  if (digits === 0) return 'IPv4 field must have at least one digit';
  if (out.length < 3) return 'IPv4 address too short';
  out.push(val);
  return out;
}

function parseV6(input: string): IpAddress | string {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return 'zone must be a non-empty string';
  }
  const bytes: number[] = [];
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { bytes: new Array<number>(16).fill(0), zone };
  }
  while (bytes.length < 16) {
    const m = /^[0-9a-fA-F]+/.exec(s);
    if (!m) return 'each colon-separated field must have at least one digit';
    if (m[0].length > 4) return 'each group must have 4 or less digits';
    if (s[m[0].length] === '.') {
      // An IPv4 tail fills the last 4 bytes.
      if (ellipsis < 0 && bytes.length !== 12) return 'embedded IPv4 address must replace the final 2 fields of the address';
      if (bytes.length + 4 > 16) return 'too many hex fields to fit an embedded IPv4 at the end of the address';
      const v4 = parseV4(s);
      if (typeof v4 === 'string') return v4;
      bytes.push(...v4);
      s = '';
      break;
    }
    const v = parseInt(m[0], 16);
    bytes.push(v >> 8, v & 255);
    s = s.slice(m[0].length);
    if (s === '') break;
    if (s[0] !== ':') return 'unexpected character, want colon';
    if (s.length === 1) return 'colon must be followed by more characters';
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return 'multiple :: in address';
      ellipsis = bytes.length;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return 'trailing garbage after address';
  if (bytes.length < 16) {
    if (ellipsis < 0) return 'address string too short';
    const fill = new Array<number>(16 - bytes.length).fill(0);
    bytes.splice(ellipsis, 0, ...fill);
  } else if (ellipsis >= 0) return 'the :: must expand to at least one field of zeros';
  return { bytes, zone };
}

/** Parses like netip.ParsePrefix ("10.0.0.0/8", "fd00::/64"); host bits may be set. */
export function parseIpPrefix(s: string): IpPrefix | { error: string } {
  const fail = (why: string) => ({ error: `netip.ParsePrefix(${JSON.stringify(s)}): ${why}` });
  const slash = s.lastIndexOf('/');
  if (slash < 0) return fail("no '/'");
  const addr = parseIpAddress(s.slice(0, slash));
  if ('error' in addr) return fail(addr.error);
  if (addr.zone) return fail('IPv6 zones cannot be present in a prefix');
  const b = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(b) || (b.length > 1 && b[0] === '0')) return fail(`bad bits after slash: ${JSON.stringify(b)}`);
  const bits = Number(b);
  if (bits > addr.bytes.length * 8) return fail(`prefix length out of range`);
  return { addr, bits };
}

export const isIPv4Mapped = (a: IpAddress): boolean =>
  a.bytes.length === 16 && a.bytes.slice(0, 10).every((x) => x === 0) && a.bytes[10] === 255 && a.bytes[11] === 255;

/** netip's canonical text. */
export function formatIpAddress(a: IpAddress): string {
  if (a.bytes.length === 4) return a.bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (a.bytes[2 * i] << 8) | a.bytes[2 * i + 1]);
  let [zs, ze] = [-1, -1];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > ze - zs) [zs, ze] = [i, j];
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zs) {
      out += '::';
      i = ze - 1;
      continue;
    }
    if (i > 0 && i !== ze) out += ':';
    out += groups[i].toString(16);
  }
  return a.zone ? `${out}%${a.zone}` : out;
}

/** The address with every bit after the first `bits` cleared. */
export function maskIp(a: IpAddress, bits: number): IpAddress {
  return {
    zone: '',
    bytes: a.bytes.map((x, i) => {
      const keep = Math.max(0, Math.min(8, bits - i * 8));
      return x & ((0xff << (8 - keep)) & 0xff);
    }),
  };
}

export const sameIp = (a: IpAddress, b: IpAddress): boolean =>
  a.bytes.length === b.bytes.length && a.zone === b.zone && a.bytes.every((x, i) => x === b.bytes[i]);

export function prefixContains(p: IpPrefix, ip: IpAddress): boolean {
  return p.addr.bytes.length === ip.bytes.length && !ip.zone && sameIp(maskIp(p.addr, p.bits), maskIp(ip, p.bits));
}
