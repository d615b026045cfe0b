import type { Strategy } from '../../strategy/Strategy.js';
import type { CandidateState, RoutingInput, ScoredCandidate } from '../../types.js';
import { knownMeanMs, only, outstanding, twoChoices } from './internal/pick.js';

/** Finagle's penalty load for a node with requests pending and no latency sample yet. */
const PENALTY = 2 ** 47;

/** Peak-EWMA load of a candidate: latency estimate × (outstanding + 1), see below. */
function peakEwmaLoad(c: CandidateState): { load: number; costMs: number } {
  const pending = outstanding(c);
  const mean = knownMeanMs(c);
  // A running call that has already outlasted the mean will raise the peak-sensitive average
  // to at least its duration when it ends: count it now.
  const costMs = Math.max(mean ?? 0, c.inFlight > 0 ? c.inFlightMaxElapsedMs : 0);
  if (costMs === 0) return { load: pending === 0 ? 0 : PENALTY, costMs };
  return { load: costMs * (pending + 1), costMs };
}

/**
 * Finagle's `p2cPeakEwma` balancer (as in Linkerd): two nodes drawn at random, the one with the
 * lower load wins, where load = peak-EWMA latency × (pending requests + 1). The peak-sensitive
 * EWMA jumps up to any slower response at once and decays towards faster ones with a 10 s time
 * constant; a node with requests pending and no sample yet gets a large penalty. Source:
 * `finagle-core/src/main/scala/com/twitter/finagle/loadbalancer/PeakEwma.scala` and
 * `Balancers.scala` (github.com/twitter/finagle).
 *
 * Approximated: `RoutingInput` carries no EWMA, so the latency estimate is the mean of the
 * router's sliding window for this (model, task) (else the last mean it remembered), raised to
 * the elapsed time of the oldest call running there when that is longer, which stands in for the
 * peak rule (a slow call pushes the estimate up) though it acts before the call ends and decays
 * with the window rather than with a 10 s time constant. Pending = `inFlight + queued + waiting`.
 * The two draws come from the seeded `random`. The request binds to the chosen model alone.
 */
export const finaglePeakEwmaStrategy: Strategy = {
  name: 'finagle-peak-ewma',
  rank({ candidates, random }: RoutingInput): readonly ScoredCandidate[] {
    const [a, b] = twoChoices(candidates, random);
    const la = peakEwmaLoad(a);
    const lb = peakEwmaLoad(b);
    const [pick, l] = la.load <= lb.load ? [a, la] : [b, lb];
    return only(
      pick,
      l.load,
      { load: l.load, costMs: l.costMs, pending: outstanding(pick) },
      'lower peak-EWMA latency × (pending + 1) of two random models',
    );
  },
};
