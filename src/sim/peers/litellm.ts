import type { Strategy } from '../../strategy/Strategy.js';
import type { CandidateState, RoutingInput, ScoredCandidate } from '../../types.js';
import { knownMeanMs, lowest, only, outstanding, weighted } from './internal/pick.js';

/**
 * LiteLLM's four classic `routing_strategy` values as comparison strategies for the simulator.
 * Source: `litellm/router.py` and `litellm/router_strategy/` (`simple_shuffle.py`,
 * `least_busy.py`, `lowest_latency.py`, `lowest_tpm_rpm_v2.py`) in github.com/BerriAI/litellm.
 * LiteLLM picks one deployment when the request arrives and calls it at once: each strategy here
 * returns that one model, so the router binds the request to it (it starts there, or waits for
 * that model alone) and never spills it later.
 */

/**
 * LiteLLM `simple-shuffle` (its default): a random deployment, weighted by the deployments'
 * `weight` (else `rpm`, else `tpm`) when they set one, uniform otherwise.
 *
 * Approximated: each model's `concurrency` stands in for that weight (an operator sets `rpm` in
 * proportion to what a deployment can take); with equal concurrency it is uniform. One draw from
 * the seeded `random`.
 */
export const litellmSimpleShuffleStrategy: Strategy = {
  name: 'litellm-shuffle',
  rank({ candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const c = weighted(candidates, (x) => x.concurrency, random);
    return only(c, 0, { weight: c.concurrency }, 'random pick weighted by concurrency');
  },
};

/**
 * LiteLLM `least-busy`: the deployment with the fewest requests in flight, counted by LiteLLM's
 * own pre-call / success / failure callbacks (a raw count, not relative to capacity).
 *
 * Approximated: "in flight" is every request this router has sent to the model and not seen
 * finish (`inFlight + queued + waiting`); ties are broken by the seeded `random` where LiteLLM
 * takes the first deployment in its dictionary.
 */
export const litellmLeastBusyStrategy: Strategy = {
  name: 'litellm-least-busy',
  rank({ candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const { candidate, score } = lowest(candidates, outstanding, random);
    return only(candidate, score, { inFlight: score }, 'fewest requests in flight');
  },
};

/**
 * LiteLLM `latency-based-routing`: the deployment with the lowest average latency over its last
 * 10 successful calls (seconds per completion token when the response reports usage), among those
 * within `lowest_latency_buffer` (default 0) of the lowest, at random. A deployment never used
 * counts as latency 0, so it is tried first; a timeout records a 1,000 s latency.
 *
 * Approximated: the mean of the router's sliding latency window for this (model, task) stands in
 * for the mean of the last 10 calls (per task type, not per deployment; whole-call latency, not
 * per output token, since `RoutingInput` has no per-call token counts); once the window empties,
 * the last mean the router remembered (`priorLatencyMs`); never observed counts as 0. Buffer 0:
 * ties only are broken by the seeded `random`. Load is ignored, as in LiteLLM.
 */
export const litellmLatencyBasedStrategy: Strategy = {
  name: 'litellm-latency',
  rank({ candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const { candidate, score } = lowest(candidates, (c) => knownMeanMs(c) ?? 0, random);
    return only(candidate, score, { latencyMs: score }, 'lowest average latency');
  },
};

/**
 * Tokens per minute a model is credited with for {@link litellmUsageBasedStrategy}: completions
 * per second over the last minute times tokens per call, plus the tokens of the calls it holds.
 */
function tokensPerMinute(c: CandidateState, requestTokens: number): number {
  const bound = c.inFlight + c.queued;
  const perCall = bound > 0 && c.tokensInFlight > 0 ? c.tokensInFlight / bound : requestTokens;
  return c.throughput * 60 * perCall + c.tokensInFlight;
}

/**
 * LiteLLM `usage-based-routing` (v2, `lowest_tpm_rpm_v2.py`): the deployment with the lowest
 * tokens-per-minute usage in the current minute, skipping deployments whose `tpm` / `rpm` limit
 * this request would exceed.
 *
 * Approximated: `RoutingInput` has no per-minute token counters, so a model's usage is its
 * completions per second (`throughput`, exponentially weighted) × 60 × its tokens per call (the
 * mean of the calls it holds now, else this request's tokens), plus the tokens of the calls
 * running or bound there (`tokensInFlight`), which LiteLLM would count once they finish. No
 * `tpm` / `rpm` limits are set in the simulated fleets, so nothing is skipped. Ties are broken by
 * the seeded `random`.
 */
export const litellmUsageBasedStrategy: Strategy = {
  name: 'litellm-usage',
  rank({ task, candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const tokens = task.tokens ?? 0;
    const { candidate, score } = lowest(candidates, (c) => tokensPerMinute(c, tokens), random);
    return only(candidate, score, { tpm: score }, 'lowest token usage per minute');
  },
};
