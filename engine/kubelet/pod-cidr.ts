// Per-node pod CIDRs and node addresses for simulated nodes, from a node index: node i gets
// 10.(244 + i/256).(i%256).0/24 (1,024 nodes fit in 10.244.0.0/14) and InternalIP 172.18.x.y.

export function podCIDRFor(index: number): string {
  return `10.${244 + Math.floor(index / 256)}.${index % 256}.0/24`;
}

export function nodeIPFor(index: number): string {
  const n = index + 2; // skip .0 and the gateway .1
  return `172.18.${Math.floor(n / 256)}.${n % 256}`;
}

/** The index a podCIDR from podCIDRFor encodes, or undefined for other CIDRs. */
export function indexOfPodCIDR(cidr: string | undefined): number | undefined {
  const m = /^10\.(\d+)\.(\d+)\.0\/24$/.exec(cidr ?? '');
  if (!m || Number(m[1]) < 244) return undefined;
  return (Number(m[1]) - 244) * 256 + Number(m[2]);
}

/** Hands out host addresses .2–.254 of a /24, reusing released ones. */
export function createIPAllocator(cidr: string | undefined) {
  const prefix = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr ?? '')?.[1] ?? '10.244.0';
  const used = new Set<number>();
  let next = 2;
  return {
    allocate(): string {
      for (let i = 0; i < 253; i++) {
        const host = next;
        next = next >= 254 ? 2 : next + 1;
        if (!used.has(host)) {
          used.add(host);
          return `${prefix}.${host}`;
        }
      }
      throw new Error(`pod CIDR ${cidr} is exhausted`);
    },
    /** Marks an address taken (adopting a pod that already has it); false when outside or taken. */
    reserve(ip: string): boolean {
      if (!ip.startsWith(prefix + '.')) return false;
      const host = Number(ip.slice(prefix.length + 1));
      if (!(host >= 2 && host <= 254) || used.has(host)) return false;
      used.add(host);
      return true;
    },
    release(ip: string) {
      if (ip.startsWith(prefix + '.')) used.delete(Number(ip.slice(prefix.length + 1)));
    },
  };
}
