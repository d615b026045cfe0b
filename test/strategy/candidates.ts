import fc from 'fast-check';
import { newStats } from '../../src/load/internal/Learned.js';
import type {
  CandidateState,
  LatencyStats,
  LearnedStats,
  RoutingInput,
  ScoredCandidate,
  TaskProfile,
} from '../../src/types.js';
import { seededRandom } from '../../src/utils/random.js';

/** Latency stats with no samples: what a strategy sees on a cold start. */
export const noSamples: LatencyStats = {
  count: 0,
  mean: Number.NaN,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
};

/** Latency stats of `count` samples with the given mean (and p95, which defaults to the mean). */
export function samples(count: number, mean: number, p95 = mean): LatencyStats {
  return { count, mean, p50: mean, p95, p99: p95 };
}

/** Learned figures with nothing known (no evidence, NaN means); the overrides set what a test needs. */
export function learnedStats(overrides: Partial<LearnedStats> = {}): LearnedStats {
  return { ...newStats(), band: 2, ...overrides };
}

/**
 * One idle, healthy, non-home candidate with one slot, no samples, no prior and zero cost; the
 * overrides change only what a test is about.
 */
export function candidate(overrides: Partial<CandidateState> = {}): CandidateState {
  return {
    id: 'm',
    home: false,
    concurrency: 1,
    inFlight: 0,
    queued: 0,
    waiting: 0,
    tokensInFlight: 0,
    maxTokens: Number.POSITIVE_INFINITY,
    free: true,
    cost: 0,
    latency: noSamples,
    priorLatencyMs: undefined,
    inFlightMeanElapsedMs: 0,
    inFlightMaxElapsedMs: 0,
    inFlightOverrun: 0,
    errorRate: 0,
    throughput: 0,
    health: 'healthy',
    ...overrides,
  };
}

/** A candidate with `inFlight + queued` derived consistently: `free` iff a slot is left. */
export function loaded(
  id: string,
  load: { inFlight?: number; queued?: number; waiting?: number; concurrency?: number },
  overrides: Partial<CandidateState> = {},
): CandidateState {
  const concurrency = load.concurrency ?? 1;
  const inFlight = load.inFlight ?? 0;
  const queued = load.queued ?? 0;
  return candidate({
    id,
    concurrency,
    inFlight,
    queued,
    waiting: load.waiting ?? 0,
    free: inFlight + queued < concurrency,
    ...overrides,
  });
}

export const codeTask: TaskProfile = { type: 'code', complexity: 0.5 };

/** A routing input over `candidates` with a seeded random source. */
export function input(
  candidates: readonly CandidateState[],
  seed = 1,
  task: TaskProfile = codeTask,
): RoutingInput {
  return { task, candidates, now: 1_000_000, random: seededRandom(seed) };
}

/** The ranked ids, best first. */
export function ids(ranking: readonly ScoredCandidate[]): string[] {
  return ranking.map((r) => r.id);
}

/** The ranked candidate with this id; throws when it was left out. */
export function scoreOf(ranking: readonly ScoredCandidate[], id: string): ScoredCandidate {
  const found = ranking.find((r) => r.id === id);
  if (!found) throw new Error(`'${id}' is not in the ranking [${ids(ranking).join(', ')}]`);
  return found;
}

/**
 * An arbitrary, internally consistent candidate (for property tests): counts within capacity,
 * `free` matching the counts, finite latencies.
 */
export function arbCandidate(id: string): fc.Arbitrary<CandidateState> {
  return fc
    .record({
      home: fc.boolean(),
      concurrency: fc.integer({ min: 1, max: 8 }),
      busy: fc.integer({ min: 0, max: 12 }),
      waiting: fc.integer({ min: 0, max: 5 }),
      cost: fc.integer({ min: 0, max: 10 }),
      count: fc.integer({ min: 0, max: 50 }),
      mean: fc.integer({ min: 1, max: 5000 }),
      tail: fc.integer({ min: 0, max: 5000 }),
      prior: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      elapsed: fc.integer({ min: 0, max: 10_000 }),
      errorRate: fc.double({ min: 0, max: 1, noNaN: true }),
      degraded: fc.boolean(),
    })
    .map((r) => {
      const inFlight = Math.min(r.busy, r.concurrency);
      const queued = r.busy - inFlight;
      return candidate({
        id,
        home: r.home,
        concurrency: r.concurrency,
        inFlight,
        queued,
        waiting: r.waiting,
        free: r.busy < r.concurrency,
        cost: r.cost,
        latency: r.count > 0 ? samples(r.count, r.mean, r.mean + r.tail) : noSamples,
        priorLatencyMs: r.prior,
        inFlightMeanElapsedMs: inFlight > 0 ? r.elapsed : 0,
        inFlightMaxElapsedMs: inFlight > 0 ? r.elapsed : 0,
        errorRate: r.errorRate,
        health: r.degraded ? 'degraded' : 'healthy',
      });
    });
}

/** 1..max arbitrary candidates with distinct ids. */
export function arbCandidates(max = 8): fc.Arbitrary<CandidateState[]> {
  return fc
    .integer({ min: 1, max })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbCandidate(`m${i}`))));
}
