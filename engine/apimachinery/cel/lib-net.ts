// Kubernetes' CEL ip and cidr libraries (library/ip.go, cidr.go): ip(), isIP(), ip.isCanonical(),
// family and the address-class tests; cidr(), isCIDR(), containsIP/containsCIDR, ip(), masked(),
// prefixLength(). IPv4-mapped IPv6 addresses and zones are refused, as upstream does.
import {
  formatIpAddress,
  isIPv4Mapped,
  maskIp,
  parseIpAddress,
  parseIpPrefix,
  prefixContains,
  sameIp,
  type IpAddress,
  type IpPrefix,
} from '../ip-address';
import { CelEvalError } from './errors';
import { as, noOverload, perChar, str, type CelLibrary } from './support';
import { CelObject, type CelValue } from './values';

export class IP extends CelObject {
  readonly celType = 'net.IP';
  constructor(readonly addr: IpAddress) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof IP && sameIp(this.addr, o.addr);
  }
  override toString(): string {
    return formatIpAddress(this.addr);
  }
}

export class CIDR extends CelObject {
  readonly celType = 'net.CIDR';
  constructor(readonly prefix: IpPrefix) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof CIDR && o.prefix.bits === this.prefix.bits && sameIp(this.prefix.addr, o.prefix.addr);
  }
  override toString(): string {
    return `${formatIpAddress(this.prefix.addr)}/${this.prefix.bits}`;
  }
}

/** upstream's parseIPAddr: netip plus no zones and no IPv4-mapped IPv6. */
function parseIp(raw: string): IpAddress | string {
  const a = parseIpAddress(raw);
  if ('error' in a) return `IP Address ${JSON.stringify(raw)} parse error during conversion from string: ${a.error}`;
  if (a.zone) return `IP address ${JSON.stringify(raw)} with zone value is not allowed`;
  if (isIPv4Mapped(a)) return `IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return a;
}

function parseCidr(raw: string): IpPrefix | string {
  const p = parseIpPrefix(raw);
  if ('error' in p) return `network address parse error during conversion from string: ${p.error}`;
  if (isIPv4Mapped(p.addr)) return `IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return p;
}

const toIp = (raw: string): IP => {
  const a = parseIp(raw);
  if (typeof a === 'string') throw new CelEvalError(a);
  return new IP(a);
};
const toCidr = (raw: string): CIDR => {
  const p = parseCidr(raw);
  if (typeof p === 'string') throw new CelEvalError(`network address parse error during conversion from string: ${p}`);
  return new CIDR(p);
};

const b = (a: IpAddress, i: number) => a.bytes[i];
const v4 = (a: IpAddress) => a.bytes.length === 4;
const allZero = (a: IpAddress) => a.bytes.every((x) => x === 0);
const loopback = (a: IpAddress) => (v4(a) ? b(a, 0) === 127 : a.bytes.every((x, i) => x === (i === 15 ? 1 : 0)));
const multicast = (a: IpAddress) => (v4(a) ? b(a, 0) >> 4 === 14 : b(a, 0) === 0xff);
const linkLocalUnicast = (a: IpAddress) => (v4(a) ? b(a, 0) === 169 && b(a, 1) === 254 : b(a, 0) === 0xfe && (b(a, 1) & 0xc0) === 0x80);
const linkLocalMulticast = (a: IpAddress) =>
  v4(a) ? b(a, 0) === 224 && b(a, 1) === 0 && b(a, 2) === 0 : b(a, 0) === 0xff && (b(a, 1) & 0x0f) === 0x02;
const globalUnicast = (a: IpAddress) =>
  !allZero(a) && !(v4(a) && a.bytes.every((x) => x === 255)) && !loopback(a) && !multicast(a) && !linkLocalUnicast(a);

const ipOf = (fn: string, a: CelValue[]) => as(IP, fn, a, 0).addr;
const test = (fn: string, pred: (a: IpAddress) => boolean) => ({ 'net.IP': (a: CelValue[]) => pred(ipOf(fn, a)) });

function ipArg(fn: string, a: CelValue[]): IpAddress {
  const v = a[1];
  if (v instanceof IP) return v.addr;
  if (typeof v === 'string') return toIp(v).addr;
  return noOverload(fn, a);
}

function cidrArg(fn: string, a: CelValue[]): IpPrefix {
  const v = a[1];
  if (v instanceof CIDR) return v.prefix;
  if (typeof v === 'string') return toCidr(v).prefix;
  return noOverload(fn, a);
}

export const netLibrary: CelLibrary = {
  globals: {
    ip: (a, c) => (perChar(c, a[0]), toIp(str('ip', a, 0))),
    isIP: (a, c) => (perChar(c, a[0]), typeof parseIp(str('isIP', a, 0)) !== 'string'),
    'ip.isCanonical': (a, c) => {
      perChar(c, a[0]);
      const s = str('ip.isCanonical', a, 0);
      return formatIpAddress(toIp(s).addr) === s;
    },
    cidr: (a, c) => (perChar(c, a[0]), toCidr(str('cidr', a, 0))),
    isCIDR: (a, c) => (perChar(c, a[0]), typeof parseCidr(str('isCIDR', a, 0)) !== 'string'),
  },
  globalArity: { ip: [1], isIP: [1], 'ip.isCanonical': [1], cidr: [1], isCIDR: [1] },
  overloads: {
    string: { 'net.IP': (a) => as(IP, 'string', a, 0).toString(), 'net.CIDR': (a) => as(CIDR, 'string', a, 0).toString() },
  },
  members: {
    family: { 'net.IP': (a) => (v4(ipOf('family', a)) ? 4n : 6n) },
    isUnspecified: test('isUnspecified', allZero),
    isLoopback: test('isLoopback', loopback),
    isLinkLocalMulticast: test('isLinkLocalMulticast', linkLocalMulticast),
    isLinkLocalUnicast: test('isLinkLocalUnicast', linkLocalUnicast),
    isGlobalUnicast: test('isGlobalUnicast', globalUnicast),
    containsIP: { 'net.CIDR': (a) => prefixContains(as(CIDR, 'containsIP', a, 0).prefix, ipArg('containsIP', a)) },
    containsCIDR: {
      'net.CIDR': (a) => {
        const outer = as(CIDR, 'containsCIDR', a, 0).prefix;
        const inner = cidrArg('containsCIDR', a);
        return inner.bits >= outer.bits && prefixContains(outer, inner.addr);
      },
    },
    ip: { 'net.CIDR': (a) => new IP(as(CIDR, 'ip', a, 0).prefix.addr) },
    prefixLength: { 'net.CIDR': (a) => BigInt(as(CIDR, 'prefixLength', a, 0).prefix.bits) },
    masked: {
      'net.CIDR': (a) => {
        const p = as(CIDR, 'masked', a, 0).prefix;
        return new CIDR({ addr: maskIp(p.addr, p.bits), bits: p.bits });
      },
    },
  },
  memberArity: {
    family: [0],
    isUnspecified: [0],
    isLoopback: [0],
    isLinkLocalMulticast: [0],
    isLinkLocalUnicast: [0],
    isGlobalUnicast: [0],
    containsIP: [1],
    containsCIDR: [1],
    ip: [0],
    prefixLength: [0],
    masked: [0],
  },
};
