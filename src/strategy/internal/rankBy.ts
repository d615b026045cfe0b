import type { RandomSource, ScoredCandidate } from '../../types.js';

const key = (c: ScoredCandidate): number =>
  Number.isNaN(c.score) ? Number.POSITIVE_INFINITY : c.score;

/**
 * Sorts scored candidates best (lowest score) first. Equal scores are ordered by a key drawn from
 * the seeded `random`, never by input order, so the first-registered model does not take every tie.
 * NaN scores sort last. One random draw per candidate, in input order.
 */
export function sortByScore(
  scored: readonly ScoredCandidate[],
  random: RandomSource,
): ScoredCandidate[] {
  const n = scored.length;
  const out = scored.slice();
  const ties = new Float64Array(n);
  for (let i = 0; i < n; i++) ties[i] = random();
  if (n <= 16) {
    // Insertion sort: no allocation beyond the result; decisions usually rank a handful of models.
    const order = new Uint16Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 1; i < n; i++) {
      const cur = order[i]!;
      const ck = key(scored[cur]!);
      let j = i - 1;
      while (j >= 0) {
        const prev = order[j]!;
        const pk = key(scored[prev]!);
        if (pk < ck || (pk === ck && ties[prev]! <= ties[cur]!)) break;
        order[j + 1] = prev;
        j--;
      }
      order[j + 1] = cur;
    }
    for (let i = 0; i < n; i++) out[i] = scored[order[i]!]!;
    return out;
  }
  const index = new Map(scored.map((c, i) => [c, i] as const));
  return out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka === kb ? ties[index.get(a)!]! - ties[index.get(b)!]! : ka - kb;
  });
}
