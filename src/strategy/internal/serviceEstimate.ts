import type { CandidateState, TaskProfile } from '../../types.js';
import { learnedLatency, learnedTokens } from '../../utils/limits.js';

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

/** How many calls' weight the neutral speed (1: as fast as the fleet) has against a model's own. */
const SPEED_PRIOR_WEIGHT = 1;

/**
 * The prior service time of `c` for the task, before its own evidence of the task: its configured
 * `latencyPriorMs` (or the last mean remembered once its window emptied); else, in a small fleet,
 * its own window's mean when it has one (every model is ranked each time there, so its window is
 * fresh), else `fleet` (the candidates' mean, else `defaultMs`). In a large fleet
 * (`large`: the candidates are a few of many, or many, most of them little known), the
 * fleet's level for the task as the tracker learned it from every model, times the model's speed
 * across the tasks it served (shrunk towards 1 by one call's weight), so a model seen fast at one
 * task is expected fast at another. Small fleets rank every model each time and learn each pair
 * quickly: there the speed only blurred what a pair showed (a model turned slow at one task).
 */
export function priorService(
  c: CandidateState,
  fleet: number,
  defaultMs: number,
  large: boolean,
): number {
  if (c.priorLatencyMs !== undefined) return c.priorLatencyMs;
  if (!large && c.latency.count > 0 && Number.isFinite(c.latency.mean)) return c.latency.mean;
  const base = Number.isNaN(fleet) ? defaultMs : fleet;
  const l = c.learned;
  if (!large || l === undefined) return base;
  const level = l.fleetMeanMs > 0 ? l.fleetMeanMs : base;
  if (!(l.speedWeight > 0) || !(l.speed > 0)) return level;
  const w = l.speedWeight;
  return level * Math.exp((w * Math.log(l.speed)) / (w + SPEED_PRIOR_WEIGHT));
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
        ? learnedTokens(task.tokens) * l.outputPerEstimatedToken
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
  return { ms: learnedLatency(ms), evidence, banded, byTokens };
}
