// IPv4 CIDR arithmetic shared by Service allocation and the network's address plan.

export const WELL_KNOWN = { kubernetes: 1, dns: 10 } as const;

/** The conventional IP of the `kubernetes` Service (first) or cluster DNS (tenth) in a CIDR. */
export function wellKnownServiceIP(serviceCIDR: string, which: keyof typeof WELL_KNOWN): string {
  return ipToString(parseCidr(serviceCIDR).base + WELL_KNOWN[which]);
}

export function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}`);
  const base = ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4];
  const bits = +m[5];
  const size = 2 ** (32 - bits);
  return { base: base - (base % size), size };
}

export const ipToString = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
