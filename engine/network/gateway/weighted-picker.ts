// Smooth weighted round-robin (as nginx's upstream balancing): each pick adds every choice's weight
// to its running score, takes the highest and subtracts the total from it. Over any run of
// `total` picks each choice is taken exactly `weight` times, spread out rather than in bursts, so
// a 90/10 split sends exactly 100 of 1,000 requests to the small side.

export interface WeightedPicker {
  pick(): number | undefined;
}

/** Picks indexes into `weights` (zero weights never; undefined when all are zero). */
export function createWeightedPicker(weights: number[]): WeightedPicker {
  const current = weights.map(() => 0);
  const total = weights.reduce((a, w) => a + Math.max(0, w), 0);
  return {
    pick() {
      if (total <= 0) return undefined;
      let best = -1;
      for (let i = 0; i < weights.length; i++) {
        if (weights[i] <= 0) continue;
        current[i] += weights[i];
        if (best < 0 || current[i] > current[best]) best = i;
      }
      current[best] -= total;
      return best;
    },
  };
}
