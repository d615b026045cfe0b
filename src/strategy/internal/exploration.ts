import type { RoutingInput, ScoredCandidate } from '../../types.js';

/**
 * The adaptive strategy's ways of trying what it does not know yet, on a ranking it scored: the
 * first look at a pair never tried (small fleets), trials of models nothing measured (large
 * fleets) and exploration of models whose evidence faded. Pure: randomness comes from the input.
 */

/** The adaptive options these read (see `AdaptiveStrategyOptions`). */
export interface ExplorationOptions {
  readonly priorWeight: number;
  readonly explore: number;
  readonly exploreSlack: number;
  readonly trialBudgetMs: number;
}

const REASON_TRIAL = 'trial: a short request measures the speed of a model nothing measured yet';
const REASON_EXPLORE = 'explored: its evidence is missing or has faded, so it is tried';

/**
 * A trial (see `trialBudgetMs`): for a short request (the best expected at most `trialBudgetMs`),
 * moves a candidate worth one (the `trial` component: free, nothing running or queued, speed not
 * measured yet, never failed, no latency prior, the task never sent to it) scoring at most
 * `trialBudgetMs` above the best to the front, drawn at random among such; not over a lone
 * little-known home model (see {@link standsAsHome}). Draws only when such a candidate exists. At
 * random, not the best-scoring: unknown models all score alike (the fleet's level), and the best
 * of them is a home of the request's task type, which may serve nothing else (in
 * heterogeneous-1000, p99 against pooled 1.43x with the best-scoring, 1.40x at random).
 */
export function trial(
  ranked: ScoredCandidate[],
  all: readonly ScoredCandidate[],
  o: ExplorationOptions,
  random: () => number,
): ScoredCandidate[] {
  const best = ranked[0]!.components;
  // A short request only; and the home table stands while its home model is little known.
  if (!((best.serviceMs ?? Number.POSITIVE_INFINITY) <= o.trialBudgetMs)) return ranked;
  if (standsAsHome(ranked, all, o)) return ranked;
  const limit = ranked[0]!.score + o.trialBudgetMs;
  const eligible: number[] = [];
  for (let i = 1; i < ranked.length; i++) {
    if (ranked[i]!.components.trial === 1 && ranked[i]!.score <= limit) eligible.push(i);
  }
  if (eligible.length === 0) return ranked;
  return promote(ranked, eligible, random, REASON_TRIAL);
}

/**
 * Whether the best of `ranked` is a home model the home table names alone among `all` the
 * candidates scored (before late binding dropped any) and that is still little known: the table
 * is the prior, and a trial must not overrule it on a cold start. Where several homes compete (in
 * a large fleet the table names a class of models), it does not.
 */
function standsAsHome(
  ranked: readonly ScoredCandidate[],
  all: readonly ScoredCandidate[],
  o: ExplorationOptions,
): boolean {
  const best = ranked[0]!.components;
  if (best.home !== 1 || (best.evidence ?? 0) >= o.priorWeight) return false;
  let homes = 0;
  for (const c of all) if (c.components.home === 1) homes++;
  return homes < 2;
}

/**
 * In a small fleet, moves a free candidate never tried on the task (within `exploreSlack` of the
 * best) to the front: a first look. Else, with probability `explore`, a free candidate with stale
 * evidence, for the task and for the model as a whole (within `exploreSlack`). Draws only when such
 * a candidate exists. Only when the best is well known: on a cold start the prior ranks.
 */
export function explore(
  ranked: ScoredCandidate[],
  input: RoutingInput,
  o: ExplorationOptions,
): ScoredCandidate[] {
  const best = ranked[0]!;
  if ((best.components.evidence ?? 0) < o.priorWeight) return ranked;
  const limit = best.score * o.exploreSlack;
  // A first look, in a small fleet: a free model the router never sent a call of the task goes
  // first, so a model faster than the home table says is found in seconds. Once per pair (the
  // router marks the pair tried when it binds the call, until the call goes back unstarted):
  // from then on, what it showed prices it. A large fleet prices the unknown by its speed.
  const stale: number[] = [];
  if (input.largeFleet !== true) {
    for (let i = 1; i < ranked.length; i++) {
      const c = ranked[i]!.components;
      if (c.free === 1 && c.untried === 1 && ranked[i]!.score <= limit) stale.push(i);
    }
  }
  if (stale.length === 0) {
    for (let i = 1; i < ranked.length; i++) {
      const c = ranked[i]!.components;
      if (
        c.free === 1 &&
        (c.evidence ?? 0) < o.priorWeight &&
        (c.modelEvidence ?? 0) < o.priorWeight &&
        ranked[i]!.score <= limit
      )
        stale.push(i);
    }
    if (stale.length === 0 || input.random() >= o.explore) return ranked;
  }
  return promote(ranked, stale, input.random, REASON_EXPLORE);
}

/** Moves one of `ranked[at]` (`at` not empty), drawn at random, to the front, marked `explored`. */
function promote(
  ranked: readonly ScoredCandidate[],
  at: readonly number[],
  random: () => number,
  reason: string,
): ScoredCandidate[] {
  const i = at[Math.min(at.length - 1, Math.floor(random() * at.length))]!;
  const picked = ranked[i]!;
  const out = ranked.slice();
  out.splice(i, 1);
  out.unshift({
    ...picked,
    components: { ...picked.components, explored: 1 },
    reasons: [...picked.reasons, reason],
  });
  return out;
}
