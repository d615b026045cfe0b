import type { CandidateState, TaskProfile } from '../../types.js';

/**
 * The adaptive strategy's expected service time of one candidate, from what was learned of it
 * (time-decayed evidence per complexity band, the fit of latency on output tokens) or, for a
 * tracker that does not learn, from its latency window; both shrunk towards a prior while the
 * evidence is thin. Pure.
 */

/** An expected service time and the evidence behind it. */
export interface ServiceEstimate {
  /** Expected service time, in milliseconds. */
  readonly ms: number;
  /** Decayed count of calls of this task on the candidate behind it (0: the prior alone). */
  readonly evidence: number;
  /** Whether the request's band had evidence of its own. */
  readonly banded: boolean;
  /** Whether the token fit priced it (real usage was known and the request has a token estimate). */
  readonly byTokens: boolean;
}

/**
 * `(w × x + k × prior) / (w + k)`: `x` weighs as `w` samples against `k` for the prior; the prior
 * alone when `x` is not a number or `w` is 0.
 */
export function shrink(x: number, w: number, prior: number, k: number): number {
  if (!(w > 0) || !Number.isFinite(x)) return prior;
  return (w * x + k * prior) / (w + k);
}

/**
 * The mean service time of the candidates that have evidence for this task (learned, else their
 * window), or NaN: the prior of a candidate with none of its own.
 */
export function fleetPrior(candidates: readonly CandidateState[]): number {
  let sum = 0;
  let n = 0;
  for (const c of candidates) {
    const l = c.learned;
    if (l !== undefined && l.taskWeight > 0 && Number.isFinite(l.taskMeanMs)) {
      sum += l.taskMeanMs;
      n++;
    } else if (c.latency.count > 0 && Number.isFinite(c.latency.mean)) {
      sum += c.latency.mean;
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/**
 * Expected service time of `task` on `c`: the task's learned mean shrunk to `prior` (weight `k`),
 * the request's band shrunk to that, then (with real usage known and a token estimate on the
 * request) the token fit's price of the predicted output shrunk to that. Without learned figures,
 * the window mean shrunk to the prior. `tailWeight` blends in the window's p95 / mean ratio.
 */
export function expectedService(
  c: CandidateState,
  task: TaskProfile,
  prior: number,
  k: number,
  tailWeight: number,
): ServiceEstimate {
  const l = c.learned;
  let ms: number;
  let evidence: number;
  let banded = false;
  let byTokens = false;
  if (l !== undefined && l.taskWeight > 0) {
    evidence = l.taskWeight;
    ms = shrink(l.taskMeanMs, l.taskWeight, prior, k);
    if (l.bandWeight > 0 && Number.isFinite(l.bandMeanMs)) {
      ms = shrink(l.bandMeanMs, l.bandWeight, ms, k);
      banded = true;
    }
    const predicted =
      task.tokens !== undefined && l.outputPerEstimatedToken >= 0
        ? task.tokens * l.outputPerEstimatedToken
        : Number.NaN;
    if (l.tokenWeight > 0 && Number.isFinite(predicted) && Number.isFinite(l.msPerOutputToken)) {
      ms = shrink(l.tokenBaseMs + l.msPerOutputToken * predicted, l.tokenWeight, ms, k);
      byTokens = true;
    }
    const { mean, p95 } = c.latency;
    if (tailWeight > 0 && c.latency.count > 0 && mean > 0 && Number.isFinite(p95)) {
      ms *= 1 - tailWeight + (tailWeight * p95) / mean;
    }
  } else {
    evidence = c.latency.count;
    let observed = c.latency.mean;
    if (tailWeight > 0 && Number.isFinite(c.latency.p95))
      observed = (1 - tailWeight) * observed + tailWeight * c.latency.p95;
    ms = shrink(observed, c.latency.count, prior, k);
  }
  return { ms, evidence, banded, byTokens };
}
