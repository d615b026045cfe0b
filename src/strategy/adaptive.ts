import type { CandidateState, RoutingInput, ScoredCandidate } from '../types.js';
import { type NumberRule, resolveNumericOptions, rules } from '../utils/options.js';
import { explore, trial } from './internal/exploration.js';
import { delayOnOthersMs } from './internal/queueing.js';
import { sortByScore } from './internal/rankBy.js';
import { expectedService, fleetPrior, priorService } from './internal/serviceEstimate.js';
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
   * How much evidence weighs as much as the prior: with evidence `n` (time-decayed count of calls),
   * the estimate is `(n * observedMean + priorWeight * prior) / (n + priorWeight)`. The same
   * shrinkage takes a complexity band towards its task's estimate and the token-fit price towards
   * the band's, and fades the home preference (see `homeFactor`). Must be >= 0.
   * @default 5
   */
  readonly priorWeight?: number;
  /**
   * Multiplier on a home model's score (below 1 favours home) while nothing is known of it: the
   * home table is the prior. As evidence `n` of the (model, task) grows, the preference fades to
   * `1 - (1 - homeFactor) * priorWeight / (priorWeight + n)`, and the learned service times
   * decide. 1 disables the preference. Range (0, 1].
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
  /**
   * Probability, per decision, of exploring: ranking first a free candidate with stale evidence
   * (less than `priorWeight`, e.g. a model avoided since it failed, whose evidence has faded) whose
   * score is within `exploreSlack` of the best. Stale means the router has stopped hearing from the
   * model: little evidence for the task and, when the tracker learns speeds, little of any task
   * (a model busy with other tasks shows whether it works; in the simulator, exploring it for a
   * task it is merely slower at cost steady's median 0.5%). Draws from the router's seeded
   * `random`, only when such a candidate exists. Besides, in a small fleet (not
   * `RoutingInput.largeFleet`), a free candidate never tried on the task (the router never sent
   * it a call of the task: `CandidateState.taskTried` false, and nothing learned of the pair),
   * within `exploreSlack` of a well-known best, is ranked first: a first look, once per pair, so
   * a faster model the home table does not name is found at once (in the simulator's ramp, the
   * coder kept simple requests for two minutes before the faster embedder was tried). Neither on a
   * retry (`RoutingInput.retry`). 0 never explores. Range [0, 1].
   * @default 0.01
   */
  readonly explore?: number;
  /**
   * Bound on exploration's cost: only candidates scoring at most this many times the best are
   * explored. Must be >= 1.
   * @default 2
   */
  readonly exploreSlack?: number;
  /**
   * In a large fleet (`RoutingInput.largeFleet`), trials: a short request (expected at most
   * `trialBudgetMs` on the best candidate) that would finish at most `trialBudgetMs` later on a
   * model whose speed nothing has measured yet is sent there first, the model drawn at random
   * among such. It measures the model's speed, which prices it for every task, so a slow model is
   * found by a short request rather than by a long one. A trial goes to a model that is free with
   * nothing running, has never failed, has no latency prior (a configured `latencyPriorMs` prices
   * it) and was never sent the task, so each model is tried at most once per task type; never on
   * a retry (`RoutingInput.retry`), and never over a little-known home model that the home table
   * names alone among the candidates (where several homes compete, the table names a class of
   * models). In the simulator's heterogeneous-1000 (1,000 models, all unknown at the start), p99
   * against the pooled reference went from 1.45x to 1.40x (seeds 1-5). 0 turns trials off.
   * @default 1000
   */
  readonly trialBudgetMs?: number;
  /**
   * Weight of reported quality (`router.reportQuality`): the score is multiplied by
   * `1 + qualityWeight * (1 - quality)`, quality being the learned mean of the reports (shrunk
   * towards 1 by one report's weight). 0 ignores quality.
   * @default 1
   */
  readonly qualityWeight?: number;
  /**
   * Weight of the arrival forecast in the expected wait. Over the request's expected service time
   * `s` on its home model, the task is forecast to bring `(level + trend * s / 2) * s` arrivals
   * (Holt's level and rising trend, from `RoutingInput.arrivals`) while the home completes
   * `throughput * s` calls: the excess, times `forecastWeight`, is a queue that will build there,
   * counted as work ahead of the request. So a home model that its task's arrivals are outgrowing
   * is priced as full, and spilled from, before its queue builds. Only the home is priced: where
   * the task's other arrivals go is the router's choice, and counting the whole flow on every
   * spill target too stopped code-burst from spilling (p50 1,268 -> 1,988 ms in the simulator).
   * 0 turns the forecast off.
   * @default 1
   */
  readonly forecastWeight?: number;
  /**
   * For streamed requests (`router.stream`), the share of the model's mean time to first token in
   * the price the caller feels, the rest being the whole call's service time (which still prices
   * the wait, as the stream holds its slot). 0 prices streams as whole calls. Range [0, 1].
   * @default 0
   */
  readonly firstTokenWeight?: number;
  /**
   * Multiplier on the expected wait of a candidate with no free slot. Joining a queue delays
   * everyone who queues behind, not only this request: above 1, a busy fast model is preferred
   * over a free slower one by a smaller margin, so work spills before queues grow (in the
   * simulator, 2 lowered code-burst's median by 6% at no cost elsewhere). 1 prices the wait alone.
   * @default 2
   */
  readonly queueWeight?: number;
  /**
   * Weight of what a spill costs the traffic that has nowhere else to go: when the request would
   * run on a model that is not its home and is the only one serving some task type (an embedder
   * that alone serves embeddings), the delay its call adds to the others there is added to its
   * score: M/M/c, its service time times the slope of the mean queue length in the load, at the
   * model's recent mean of calls running. So simple chat is not spilled onto an embedder that an
   * embedding flood keeps busy (in the simulator, embedding-flood's median 35 -> 32 ms, as
   * `static`). Models whose traffic can go elsewhere are not charged: there it blocked the spills
   * that code-burst and slow-model need. 0 turns it off.
   * @default 1
   */
  readonly spillCostWeight?: number;
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
  explore: 0.01,
  exploreSlack: 2,
  trialBudgetMs: 1000,
  qualityWeight: 1,
  forecastWeight: 1,
  firstTokenWeight: 0,
  queueWeight: 2,
  spillCostWeight: 1,
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
  explore: rules.between(0, 1),
  exploreSlack: rules.atLeast(1),
  trialBudgetMs: rules.finiteAtLeast(0),
  qualityWeight: rules.finiteAtLeast(0),
  forecastWeight: rules.finiteAtLeast(0),
  firstTokenWeight: rules.between(0, 1),
  queueWeight: rules.finiteAtLeast(1),
  spillCostWeight: rules.finiteAtLeast(0),
};

/** The task's forecast arrivals, in requests per second (see `forecastWeight`). */
interface Forecast {
  /** Holt's level: the forecast rate now. */
  readonly level: number;
  /** How fast it rises, per second (a falling trend counts as 0: the state already shows it). */
  readonly trend: number;
}

/**
 * Lowest expected completion time: for each candidate, expected wait (from the work ahead of the
 * request and the model's capacity, grown by the arrival forecast when load is rising) plus
 * expected service time, inflated by the expected retries its error rate causes, times a home
 * preference that fades as evidence grows, a quality factor and a health factor, plus an optional
 * cost weight. Ties are broken by the seeded `random`.
 *
 * The service time comes from what the tracker learned of the (model, task type) with time decay
 * (`CandidateState.learned`): the mean latency of the request's complexity band, shrunk towards
 * the task's mean, itself shrunk towards the prior (`latencyPriorMs`, else the other candidates'
 * mean) while evidence is thin; with real token usage known, the fit of latency on output tokens
 * prices the request's predicted output. It is scaled up when the model's running calls have
 * overrun their usual durations by more than `overrunThreshold`, so a model that has turned slow
 * is avoided before those calls finish. In a large fleet (`RoutingInput.largeFleet`), the prior of a
 * model is the fleet's level for the task times its speed on the tasks it did serve (so one seen
 * fast at simple chat is expected fast at reasoning), and a model nothing at all is known of is
 * priced as if it ran one call at a time until its first answer (slow start), so an unknown slow
 * model cannot take a burst. With a small probability (`explore`), a free
 * candidate whose evidence has faded is tried first, so a model that recovered wins its traffic
 * back; in a small fleet, a free model never tried on the task is tried once, when in reach.
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
      const growth = forecastGrowth(input, o);
      const scored = input.candidates.map((c) => scoreCandidate(c, input, fleet, growth, o));
      const ranked = sortByScore(scored, input.random);
      const best = ranked[0];
      if (best === undefined) return ranked;
      const limit = best.score * o.lateBindSlack;
      const kept = ranked.filter(
        (c) => c === best || c.components.free === 1 || (c.components.serviceMs ?? 0) <= limit,
      );
      // A retry's caller has already waited: no time to try the unknown.
      if (input.retry === true) return kept;
      if (input.largeFleet === true && o.trialBudgetMs > 0) {
        const tried = trial(kept, ranked, o, input.random);
        if (tried !== kept) return tried;
      }
      return o.explore > 0 ? explore(kept, input, o) : kept;
    },
  };
}

/**
 * The task's forecast arrivals: Holt's level (the forecast's own current rate,
 * `forecast - trend × horizon`, not the slower decayed rate) and its rising trend; undefined when
 * the forecast is off or unknown.
 */
function forecastGrowth(input: RoutingInput, o: Resolved): Forecast | undefined {
  const a = input.arrivals;
  if (o.forecastWeight === 0 || a === undefined) return undefined;
  const trend = Math.max(a.trend, 0);
  const level = a.forecast - (trend * a.horizonMs) / 1000;
  if (!(level > 0 && Number.isFinite(level + trend))) return undefined;
  return { level, trend };
}

// Reasons are fixed phrases (the figures are in `components`): cheap on the hot path.
const REASON_LEARNED = 'service time learned from its outcomes (shrunk to the prior while few)';
const REASON_BAND = "priced for the request's complexity band";
const REASON_TOKENS = "priced by its latency per output token for the request's predicted output";
const REASON_OBSERVED = 'service time from its latency window (blended with the prior)';
const REASON_COLD = 'cold start: service time from the prior';
const REASON_SLOW_RUNNING = 'its running calls have overrun their usual duration';
const REASON_BUSY = 'no free slot: waits behind the work ahead';
const REASON_SPILL_COST = 'a spill onto the only model of other traffic: the delay it adds there';
const REASON_SLOW_START = 'slow start: unknown yet, priced as one call at a time';
const REASON_RISING = "its task's forecast arrivals outpace it: a queue will build";
const REASON_ERRORS = 'recent errors: expected retries added';
const REASON_HOME = 'home model';
const REASON_QUALITY = 'reported quality below 1';
const REASON_DEGRADED = 'degraded health';
const REASON_FIRST_TOKEN = 'streamed: priced partly by its time to first token';

function scoreCandidate(
  c: CandidateState,
  input: RoutingInput,
  fleet: number,
  growth: Forecast | undefined,
  o: Resolved,
): ScoredCandidate {
  const reasons: string[] = [];
  const prior = priorService(c, fleet, o.defaultPriorMs, input.largeFleet === true);
  const est = expectedService(c, input.task, prior, o.priorWeight, o.tailWeight);
  let serviceMs = est.ms;
  const l = c.learned;
  if (l !== undefined && l.taskWeight > 0) reasons.push(REASON_LEARNED);
  else reasons.push(est.evidence > 0 ? REASON_OBSERVED : REASON_COLD);
  if (est.banded) reasons.push(REASON_BAND);
  if (est.byTokens) reasons.push(REASON_TOKENS);
  // Calls still running reveal a model turned slow before they finish: when they have overrun
  // their expected durations by more than `overrunThreshold` on average, scale the estimate.
  if (c.inFlightOverrun > o.overrunThreshold) {
    serviceMs *= c.inFlightOverrun;
    reasons.push(REASON_SLOW_RUNNING);
  }
  // A model that cannot start the request now (no slot, or no token room) must finish at least one
  // call first: a token-blocked model with idle slots is not as good as a free one.
  const outstanding = c.inFlight + c.queued + c.waiting;
  // Slow start in large fleets (`largeFleet`): a model nothing is known of yet (no latency
  // prior, no call of the task, no speed from other tasks) is priced as if it ran one call at a
  // time until its first call answers, so an unknown slow model cannot take a burst before it has
  // shown what it is. In small fleets the home table is trusted instead.
  const unproven =
    input.largeFleet === true &&
    c.inFlight > 0 &&
    c.priorLatencyMs === undefined &&
    est.evidence < 1 &&
    !((l?.speedWeight ?? 0) >= 1);
  const slots = unproven ? 1 : c.concurrency;
  const free = c.free && !unproven;
  let ahead = free ? 0 : Math.max(1, outstanding - slots + 1);
  // At home, the task's forecast arrivals over the service time beyond what the model completes
  // in that time (horizon = expected service time) will queue there: count them as ahead. Not in
  // a large fleet: it spreads the task's flow over many models, not its homes.
  if (growth !== undefined && c.home && input.largeFleet !== true) {
    const s = serviceMs / 1000;
    const excess = o.forecastWeight * (growth.level + (growth.trend * s) / 2 - c.throughput) * s;
    const future = outstanding + excess - c.concurrency + 1;
    if (excess > 0 && future > ahead) {
      ahead = future;
      reasons.push(REASON_RISING);
    }
  }
  // Joining a queue also delays whoever queues behind: a busy model's wait counts queueWeight times.
  const waitMs = ((ahead * serviceMs) / slots) * (free ? 1 : o.queueWeight);
  if (!c.free) reasons.push(REASON_BUSY);
  else if (unproven) reasons.push(REASON_SLOW_START);
  let errorRate = c.errorRate;
  if (l !== undefined && l.bandFailures > 0) {
    const share = l.bandFailures / (l.bandFailures + l.bandWeight + o.priorWeight);
    errorRate = Math.max(errorRate, share);
  }
  errorRate = Math.min(Math.max(errorRate, 0), 0.95);
  const retryMs = (serviceMs * errorRate) / (1 - errorRate);
  if (errorRate > 0.01) reasons.push(REASON_ERRORS);
  let feltMs = serviceMs;
  if (input.streaming === true && o.firstTokenWeight > 0 && Number.isFinite(c.firstTokenMs)) {
    feltMs = (1 - o.firstTokenWeight) * serviceMs + o.firstTokenWeight * c.firstTokenMs!;
    reasons.push(REASON_FIRST_TOKEN);
  }
  const fade = o.priorWeight / (o.priorWeight + est.evidence);
  const homeFactor = c.home ? 1 - (1 - o.homeFactor) * (Number.isFinite(fade) ? fade : 1) : 1;
  if (c.home) reasons.push(REASON_HOME);
  let qualityFactor = 1;
  if (o.qualityWeight > 0 && l !== undefined && l.qualityWeight > 0 && l.quality < 1) {
    const q = (l.quality * l.qualityWeight + 1) / (l.qualityWeight + 1);
    qualityFactor = 1 + o.qualityWeight * (1 - q);
    reasons.push(REASON_QUALITY);
  }
  const healthFactor = c.health === 'degraded' ? o.degradedFactor : 1;
  if (c.health === 'degraded') reasons.push(REASON_DEGRADED);
  const costMs = o.costWeight * c.cost;
  // A spill onto the only model some traffic has: the delay it adds to that traffic counts too.
  let spillCostMs = 0;
  if (o.spillCostWeight > 0 && !c.home && c.soleServer === true) {
    const busy = c.meanInFlight ?? c.inFlight;
    spillCostMs = o.spillCostWeight * delayOnOthersMs(c.concurrency, busy, serviceMs);
    if (spillCostMs > 0) reasons.push(REASON_SPILL_COST);
  }
  const score =
    (waitMs + feltMs + retryMs + spillCostMs) * homeFactor * qualityFactor * healthFactor + costMs;
  return {
    id: c.id,
    score,
    components: {
      waitMs,
      serviceMs,
      retryMs,
      costMs,
      spillCostMs,
      homeFactor,
      qualityFactor,
      healthFactor,
      evidence: est.evidence,
      modelEvidence: l?.speedWeight ?? 0,
      untried:
        c.taskTried === false &&
        (l === undefined ? c.latency.count === 0 : l.taskWeight === 0 && l.taskFailures === 0)
          ? 1
          : 0,
      trial:
        input.largeFleet === true &&
        c.free &&
        c.inFlight + c.queued === 0 &&
        c.errorRate === 0 &&
        c.taskTried === false &&
        c.priorLatencyMs === undefined &&
        !((l?.speedWeight ?? 0) > 0)
          ? 1
          : 0,
      home: c.home ? 1 : 0,
      free: c.free ? 1 : 0,
    },
    reasons,
  };
}

/** The default strategy: {@link createAdaptiveStrategy} with default options. */
export const adaptiveStrategy: Strategy = createAdaptiveStrategy();
