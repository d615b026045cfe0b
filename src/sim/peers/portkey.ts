import type { Strategy } from '../../strategy/Strategy.js';
import type { CandidateState, RoutingInput, ScoredCandidate } from '../../types.js';
import { lowest, only } from './internal/pick.js';

/** The windowed median for this (model, task), else the last mean remembered, else 0. */
function medianMs(c: CandidateState): number {
  if (c.latency.count > 0 && Number.isFinite(c.latency.p50)) return c.latency.p50;
  return c.priorLatencyMs ?? 0;
}

/**
 * Portkey's least-latency routing: send each request to the target with the lowest observed
 * latency. Source: Portkey's gateway documentation (portkey.ai/docs, routing / load balancing);
 * its open-source gateway (github.com/Portkey-AI/gateway) implements weighted `loadbalance`,
 * `fallback` and `conditional` modes, and no public code for latency-based selection was found,
 * so this is the behaviour as documented, not a port.
 *
 * Approximated: "observed latency" is the median of the router's sliding window for this
 * (model, task) (else the last mean the router remembered; a target never observed counts as 0,
 * so it is tried first); load and queues are ignored; ties are broken by the seeded `random`.
 * It differs from {@link litellmLatencyBasedStrategy} by using the median rather than the mean.
 * The request binds to the chosen model alone.
 */
export const portkeyLeastLatencyStrategy: Strategy = {
  name: 'portkey-least-latency',
  rank({ candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const { candidate, score } = lowest(candidates, medianMs, random);
    return only(candidate, score, { latencyMs: score }, 'lowest observed median latency');
  },
};
