import type { Strategy } from '../../strategy/Strategy.js';
import type { RoutingInput, ScoredCandidate } from '../../types.js';
import { only, outstanding, twoChoices } from './internal/pick.js';

/**
 * Envoy's `LEAST_REQUEST` load balancer with its default `choice_count` of 2 (power of two
 * choices, P2C). Source: Envoy's `source/common/upstream/load_balancer_impl.cc`
 * (`LeastRequestLoadBalancer`) and its load-balancing docs (github.com/envoyproxy/envoy). With
 * equal host weights, Envoy draws two hosts at random and sends the request to the one with fewer
 * active requests.
 *
 * Approximated: the simulated models carry no weights, so the weighted variant
 * (`weight / (active + 1)^active_request_bias`) does not apply; "active requests" are the requests
 * this router has sent to the model and not seen finish (`inFlight + queued + waiting`); the two
 * draws come from the seeded `random`, and a tie goes to the second draw. Envoy picks one host and sends at once: the request binds
 * to that model alone.
 */
export const envoyLeastRequestStrategy: Strategy = {
  name: 'envoy-p2c',
  rank({ candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const [a, b] = twoChoices(candidates, random);
    const pick = outstanding(a) < outstanding(b) ? a : b;
    const active = outstanding(pick);
    return only(pick, active, { active }, 'fewer active requests of two random models');
  },
};
