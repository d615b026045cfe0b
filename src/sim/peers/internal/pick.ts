import type { CandidateState, RandomSource, ScoredCandidate } from '../../../types.js';

/**
 * Shared steps of the peer policies: each picks exactly one model and returns a one-element
 * ranking, which makes the router bind to that model alone (start it now when it has room,
 * otherwise wait for that model only).
 */

/** Requests this router has sent to `c` and not seen finish: running, bound, or waiting for it. */
export const outstanding = (c: CandidateState): number => c.inFlight + c.queued + c.waiting;

/**
 * The last mean latency known for this (model, task): the window's mean, else the mean the router
 * remembered when the window emptied (`priorLatencyMs`), else `undefined` (never observed).
 */
export function knownMeanMs(c: CandidateState): number | undefined {
  if (c.latency.count > 0 && Number.isFinite(c.latency.mean)) return c.latency.mean;
  return c.priorLatencyMs;
}

/** A one-element ranking: the chosen candidate with its score, named parts and reason. */
export function only(
  c: CandidateState,
  score: number,
  components: Readonly<Record<string, number>>,
  reason: string,
): readonly ScoredCandidate[] {
  return [{ id: c.id, score, components, reasons: [reason] }];
}

/**
 * The candidate with the lowest `score` (NaN counts as +Infinity); ties go to a uniform random
 * one among the tied, drawn from the seeded `random` (one draw, only when there is a tie).
 */
export function lowest(
  candidates: readonly CandidateState[],
  score: (c: CandidateState) => number,
  random: RandomSource,
): { readonly candidate: CandidateState; readonly score: number } {
  let best = Number.POSITIVE_INFINITY;
  let tied: CandidateState[] = [];
  for (const c of candidates) {
    const raw = score(c);
    const s = Number.isNaN(raw) ? Number.POSITIVE_INFINITY : raw;
    if (s < best) {
      best = s;
      tied = [c];
    } else if (s === best) tied.push(c);
  }
  const candidate =
    tied.length === 1
      ? tied[0]!
      : tied[Math.min(tied.length - 1, Math.floor(random() * tied.length))]!;
  return { candidate, score: best };
}

/**
 * Two distinct candidates drawn uniformly at random (the power of two choices); one candidate is
 * returned twice. Two draws from `random`.
 */
export function twoChoices(
  candidates: readonly CandidateState[],
  random: RandomSource,
): readonly [CandidateState, CandidateState] {
  const n = candidates.length;
  const i = Math.min(n - 1, Math.floor(random() * n));
  if (n === 1) return [candidates[0]!, candidates[0]!];
  // The second draw skips the first pick, so the two are distinct and each pair is equally likely.
  let j = Math.min(n - 2, Math.floor(random() * (n - 1)));
  if (j >= i) j++;
  return [candidates[i]!, candidates[j]!];
}

/** A candidate drawn with probability proportional to `weight` (all-zero weights: uniform). */
export function weighted(
  candidates: readonly CandidateState[],
  weight: (c: CandidateState) => number,
  random: RandomSource,
): CandidateState {
  let total = 0;
  for (const c of candidates) total += Math.max(0, weight(c));
  const u = random();
  if (!(total > 0 && Number.isFinite(total)))
    return candidates[Math.min(candidates.length - 1, Math.floor(u * candidates.length))]!;
  let left = u * total;
  for (const c of candidates) {
    left -= Math.max(0, weight(c));
    if (left < 0) return c;
  }
  return candidates[candidates.length - 1]!;
}
