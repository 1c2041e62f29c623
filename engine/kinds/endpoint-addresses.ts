// Endpoint addresses as upstream validates them (Endpoints and EndpointSlices): a valid IP that
// is not unspecified, loopback, link-local or link-local multicast — so nothing stored can make
// the cluster send a Service's traffic to a node's own loopback or metadata addresses.
// One exception: the `kubernetes` Service's endpoint, which Skiff's API server owns and which is
// its own loopback address (the network agent reaches it only over reverse connections).
import { isIPv4, isIPv6 } from 'node:net';
import type { FieldError, KubeObject } from './types';
import { invalid } from './validation/field-errors';
import { isPlainObject } from './custom/structural-schema';

/** 16 bytes for IPv6, 4 for IPv4 (an IPv4-mapped IPv6 address counts as IPv4, as in Go). */
export function ipBytes(ip: string): number[] | undefined {
  if (isIPv4(ip)) return ip.split('.').map(Number);
  if (!isIPv6(ip)) return undefined;
  let text = ip.split('%')[0];
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((g) => [g >> 8, g & 255]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
  return mapped ? bytes.slice(12) : bytes;
}

/** Why `ip` may not be an endpoint (upstream's ValidateEndpointIP messages); empty when it may. */
export function endpointIPProblems(ip: string): string[] {
  const b = ipBytes(ip);
  if (!b) return ['must be a valid IP address'];
  const out: string[] = [];
  const v4 = b.length === 4;
  if (b.every((x) => x === 0)) out.push(`may not be unspecified (${ip})`);
  if (v4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) {
    out.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  }
  if (v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80) {
    out.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  }
  if (v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02) {
    out.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  }
  return out;
}

/** For paths that dial endpoints: no special address at all, multicast included. */
export function isDialableEndpointIP(ip: string): boolean {
  const b = ipBytes(ip);
  if (!b || endpointIPProblems(ip).length) return false;
  return b.length === 4 ? b[0] < 224 : b[0] !== 0xff;
}

/** The `kubernetes` Service's own Endpoints (default/kubernetes), which Skiff's API server writes. */
export const isApiServerEndpoints = (ep: KubeObject) => ep.metadata.namespace === 'default' && ep.metadata.name === 'kubernetes';

/** Its EndpointSlices: in default, labelled for the `kubernetes` Service. */
export const isApiServerSlice = (es: KubeObject) =>
  es.metadata.namespace === 'default' && es.metadata.labels?.['kubernetes.io/service-name'] === 'kubernetes';

export function validateEndpointIP(ip: unknown, path: string, family?: 'IPv4' | 'IPv6'): FieldError[] {
  if (typeof ip !== 'string') return [invalid(path, ip ?? '', 'must be a valid IP address')];
  if (family === 'IPv4' && !isIPv4(ip)) return [invalid(path, ip, 'must be a valid IPv4 address')];
  if (family === 'IPv6' && !isIPv6(ip)) return [invalid(path, ip, 'must be a valid IPv6 address')];
  return endpointIPProblems(ip).map((m) => invalid(path, ip, m));
}

/** Every address of an Endpoints object (subsets[].addresses/notReadyAddresses[].ip). */
export function validateEndpointsAddresses(ep: KubeObject): FieldError[] {
  if (isApiServerEndpoints(ep)) return [];
  const errs: FieldError[] = [];
  (Array.isArray(ep.subsets) ? ep.subsets : []).forEach((ss: unknown, i: number) => {
    for (const field of ['addresses', 'notReadyAddresses']) {
      const list = isPlainObject(ss) ? ss[field] : undefined;
      if (!Array.isArray(list)) continue;
      list.forEach((a: unknown, j: number) =>
        errs.push(...validateEndpointIP(isPlainObject(a) ? a.ip : undefined, `subsets[${i}].${field}[${j}].ip`)),
      );
    }
  });
  return errs;
}

/** Every address of an EndpointSlice of type IPv4 or IPv6 (FQDN slices carry names). */
export function validateSliceAddresses(es: KubeObject): FieldError[] {
  const family = es.addressType;
  if ((family !== 'IPv4' && family !== 'IPv6') || isApiServerSlice(es)) return [];
  const errs: FieldError[] = [];
  (Array.isArray(es.endpoints) ? es.endpoints : []).forEach((e: unknown, i: number) => {
    const addresses = isPlainObject(e) ? e.addresses : undefined;
    if (!Array.isArray(addresses)) return;
    addresses.forEach((a: unknown, j: number) => errs.push(...validateEndpointIP(a, `endpoints[${i}].addresses[${j}]`, family)));
  });
  return errs;
}
