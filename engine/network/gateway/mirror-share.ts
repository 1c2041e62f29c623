// How many requests a RequestMirror copies (pure): all of them, `percent` of them, or
// numerator/denominator of them. The choice is a running count rather than a coin toss, so
// 20 % of 1,000 requests is exactly 200 (the n-th request is mirrored when ⌊n·p⌋ grows).
import type { RequestMirror } from './gateway-types';

export interface MirrorShare {
  numerator: number;
  denominator: number;
}

export function mirrorShare(m: RequestMirror | undefined): MirrorShare {
  if (m?.percent !== undefined) return { numerator: m.percent, denominator: 100 };
  if (m?.fraction) return { numerator: m.fraction.numerator, denominator: m.fraction.denominator ?? 100 };
  return { numerator: 1, denominator: 1 };
}

/** Counts requests per key; `take` says whether this one is mirrored. */
export function createShareCounter(): { take(key: string, share: MirrorShare): boolean; clear(): void } {
  const seen = new Map<string, number>();
  return {
    take(key, { numerator, denominator }) {
      if (numerator >= denominator) return true;
      if (numerator <= 0) return false;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      return Math.floor(((n + 1) * numerator) / denominator) > Math.floor((n * numerator) / denominator);
    },
    clear: () => seen.clear(),
  };
}
