import type { CandidateState, RoutingInput, ScoredCandidate } from '../types.js';
import { type NumberRule, resolveNumericOptions, rules } from '../utils/options.js';
import { sortByScore } from './internal/rankBy.js';
import type { Strategy } from './Strategy.js';

/** Options of {@link createAdaptiveStrategy}. */
export interface AdaptiveStrategyOptions {
  /**
   * Expected service time in milliseconds for a (model, task) with no samples and no prior of its
   * own, when no other candidate has samples for the task either.
   * @default 1000
   */
  readonly defaultPriorMs?: number;
  /**
   * How many samples weigh as much as the prior: with `n` samples, the estimate is
   * `(n * observedMean + priorWeight * prior) / (n + priorWeight)`. Must be >= 0.
   * @default 5
   */
  readonly priorWeight?: number;
  /**
   * Multiplier on a home model's score (below 1 favours home). 1 disables the preference.
   * Range (0, 1].
   * @default 0.9
   */
  readonly homeFactor?: number;
  /**
   * Milliseconds added to the score per unit of model `cost`. 0 ignores cost.
   * @default 0
   */
  readonly costWeight?: number;
  /**
   * Multiplier on a `degraded` model's score. Must be >= 1.
   * @default 2
   */
  readonly degradedFactor?: number;
  /**
   * Share of the 95th percentile blended into the service estimate, 0..1 (0 uses the mean only).
   * Raise it to avoid models with long tails.
   * @default 0
   */
  readonly tailWeight?: number;
  /**
   * Mean overrun (elapsed / expected duration) of a model's running calls above which its service
   * estimate is scaled by that overrun: a model that has turned slow is avoided before its slow
   * calls finish. Running calls are biased towards long ones (a long call is more likely to be
   * caught running), so keep it well above 1: at 2, heavy-tailed but healthy models were shunned
   * in the simulator. Must be >= 1.
   * @default 4
   */
  readonly overrunThreshold?: number;
  /**
   * A busy candidate whose expected service time alone exceeds `lateBindSlack` times the best
   * candidate's expected completion is dropped from the ranking, so a waiting request is not bound
   * late to it: waiting for the best model is expected to finish sooner. Free candidates are kept
   * (ranked by score), so a full best model still spills to them. Must be >= 1.
   * @default 1.5
   */
  readonly lateBindSlack?: number;
}

type Resolved = Required<AdaptiveStrategyOptions>;

const defaults: Resolved = {
  defaultPriorMs: 1000,
  priorWeight: 5,
  homeFactor: 0.9,
  costWeight: 0,
  degradedFactor: 2,
  tailWeight: 0,
  lateBindSlack: 1.5,
  overrunThreshold: 4,
};

const ruleSet: { readonly [K in keyof Resolved]: NumberRule } = {
  defaultPriorMs: rules.finitePositive,
  priorWeight: rules.finiteAtLeast(0),
  homeFactor: rules.fraction,
  costWeight: rules.finiteAtLeast(0),
  degradedFactor: rules.finiteAtLeast(1),
  tailWeight: rules.between(0, 1),
  lateBindSlack: rules.atLeast(1),
  overrunThreshold: rules.atLeast(1),
};

/** Mean observed latency of the candidates that have samples for this task, or NaN. */
function fleetPrior(candidates: readonly CandidateState[]): number {
  let sum = 0;
  let n = 0;
  for (const c of candidates) {
    if (c.latency.count > 0 && Number.isFinite(c.latency.mean)) {
      sum += c.latency.mean;
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/**
 * Lowest expected completion time: for each candidate, expected wait (from the work ahead of the
 * request and the model's capacity) plus expected service time (from its t-digest window for this
 * task, blended with a prior while samples are few, and scaled up when its running calls have
 * overrun their usual durations by more than `overrunThreshold`, so a model that has turned slow
 * is avoided before those calls finish), inflated by the
 * expected retries its error rate causes, times a home preference and a health factor, plus an
 * optional cost weight. Ties are broken by the seeded `random`.
 *
 * @example
 * const router = new ZetaDynamicRouter({ models, strategy: createAdaptiveStrategy({ costWeight: 50 }) });
 *
 * @throws {ZetaError} `CONFIG_INVALID` listing every unknown or out-of-range option.
 */
export function createAdaptiveStrategy(options: AdaptiveStrategyOptions = {}): Strategy {
  const o = resolveNumericOptions('adaptive strategy options', options, defaults, ruleSet);
  return {
    name: 'adaptive',
    rank(input: RoutingInput): readonly ScoredCandidate[] {
      const fleet = fleetPrior(input.candidates);
      const scored = input.candidates.map((c) => scoreCandidate(c, fleet, o));
      const ranked = sortByScore(scored, input.random);
      const best = ranked[0];
      if (best === undefined) return ranked;
      const limit = best.score * o.lateBindSlack;
      return ranked.filter(
        (c) => c === best || c.components.free === 1 || (c.components.serviceMs ?? 0) <= limit,
      );
    },
  };
}

// Reasons are fixed phrases (the figures are in `components`): cheap on the hot path.
const REASON_OBSERVED = 'service time from its latency window (blended with the prior)';
const REASON_COLD = 'cold start: service time from the prior';
const REASON_SLOW_RUNNING = 'its running calls have overrun their usual duration';
const REASON_BUSY = 'no free slot: waits behind the work ahead';
const REASON_ERRORS = 'recent errors: expected retries added';
const REASON_HOME = 'home model';
const REASON_DEGRADED = 'degraded health';

function scoreCandidate(c: CandidateState, fleet: number, o: Resolved): ScoredCandidate {
  const reasons: string[] = [];
  const prior = c.priorLatencyMs ?? (Number.isNaN(fleet) ? o.defaultPriorMs : fleet);
  const n = c.latency.count;
  let observed = c.latency.mean;
  if (o.tailWeight > 0 && Number.isFinite(c.latency.p95)) {
    observed = (1 - o.tailWeight) * observed + o.tailWeight * c.latency.p95;
  }
  let serviceMs =
    n > 0 && Number.isFinite(observed)
      ? (n * observed + o.priorWeight * prior) / (n + o.priorWeight)
      : prior;
  reasons.push(n > 0 ? REASON_OBSERVED : REASON_COLD);
  // Calls still running reveal a model turned slow before they finish: when they have overrun
  // their expected durations by more than `overrunThreshold` on average, scale the estimate.
  if (c.inFlightOverrun > o.overrunThreshold) {
    serviceMs *= c.inFlightOverrun;
    reasons.push(REASON_SLOW_RUNNING);
  }
  // A model that cannot start the request now (no slot, or no token room) must finish at least one
  // call first: a token-blocked model with idle slots is not as good as a free one.
  const ahead = c.free ? 0 : Math.max(1, c.inFlight + c.queued + c.waiting - c.concurrency + 1);
  const waitMs = (ahead * serviceMs) / c.concurrency;
  if (waitMs > 0) reasons.push(REASON_BUSY);
  const errorRate = Math.min(Math.max(c.errorRate, 0), 0.95);
  const retryMs = (serviceMs * errorRate) / (1 - errorRate);
  if (errorRate > 0.01) reasons.push(REASON_ERRORS);
  const homeFactor = c.home ? o.homeFactor : 1;
  if (c.home) reasons.push(REASON_HOME);
  const healthFactor = c.health === 'degraded' ? o.degradedFactor : 1;
  if (c.health === 'degraded') reasons.push(REASON_DEGRADED);
  const costMs = o.costWeight * c.cost;
  const score = (waitMs + serviceMs + retryMs) * homeFactor * healthFactor + costMs;
  return {
    id: c.id,
    score,
    components: {
      waitMs,
      serviceMs,
      retryMs,
      costMs,
      homeFactor,
      healthFactor,
      free: c.free ? 1 : 0,
    },
    reasons,
  };
}

/** The default strategy: {@link createAdaptiveStrategy} with default options. */
export const adaptiveStrategy: Strategy = createAdaptiveStrategy();
