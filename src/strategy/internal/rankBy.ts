import type { RandomSource, ScoredCandidate } from '../../types.js';

/**
 * Sorts scored candidates best (lowest score) first. Equal scores are ordered by a key drawn from
 * the seeded `random`, never by input order, so the first-registered model does not take every tie.
 * NaN scores sort last.
 */
export function sortByScore(
  scored: readonly ScoredCandidate[],
  random: RandomSource,
): ScoredCandidate[] {
  const keyed = scored.map((candidate) => ({ candidate, tie: random() }));
  keyed.sort((a, b) => {
    const sa = Number.isNaN(a.candidate.score) ? Number.POSITIVE_INFINITY : a.candidate.score;
    const sb = Number.isNaN(b.candidate.score) ? Number.POSITIVE_INFINITY : b.candidate.score;
    return sa === sb ? a.tie - b.tie : sa - sb;
  });
  return keyed.map((k) => k.candidate);
}
