import { isZetaError } from '../errors/ZetaError.js';
import type { StrategyName, ZetaRouterOptions } from '../router/options.js';
import { ZetaDynamicRouter } from '../router/ZetaDynamicRouter.js';
import type { Strategy } from '../strategy/Strategy.js';
import { seededRandom } from '../utils/random.js';
import { createSimModelCall, type SimModelCallStats, type SimModelSpec } from './models.js';
import { simulatePooled } from './pooled.js';
import { commonBucketMs, computeStats, type SimReport, type StatsOptions } from './stats.js';
import type { SimOutcome, SimRequest, SimResponse } from './types.js';
import { VirtualClock } from './VirtualClock.js';

/**
 * Waiting room per model when its spec sets no `maxQueue`: large enough that overload shows as
 * latency (as with the static table's unbounded queues) rather than as `CAPACITY_EXCEEDED`.
 */
export const SIM_DEFAULT_MAX_QUEUE = 10_000;

/** Router options a simulation may set; models, clock and random come from the simulator. */
export type SimRouterOptions = Omit<
  ZetaRouterOptions<SimRequest, SimResponse>,
  'models' | 'clock' | 'random' | 'strategy' | 'classifier'
>;

/** Options of {@link simulateRouter}. */
export interface SimulateRouterOptions {
  /** The fleet. */
  readonly models: readonly SimModelSpec[];
  /** The arrivals, sorted by `t`; ids index the outcomes. */
  readonly requests: readonly SimRequest[];
  /** The strategy under test: a built-in name or your own. */
  readonly strategy: StrategyName | Strategy;
  /** Seed of the service times, failures and the router's tie-breaks. */
  readonly seed: number;
  /** Extra router options (bounds, retries, health...). */
  readonly router?: SimRouterOptions;
  /** Called now and then with the requests settled so far. */
  readonly onProgress?: (settled: number, total: number) => void;
}

/** What {@link runSimulation} returns. */
export interface SimulationRun {
  /** One outcome per request, in request order. */
  readonly outcomes: SimOutcome[];
  /** What each simulated model saw (calls, failures, busy time including retried attempts). */
  readonly models: Readonly<Record<string, SimModelCallStats>>;
}

/** Throws a RangeError when arrival times are not in order (ids index the outcomes). */
function assertSorted(requests: readonly SimRequest[]): void {
  for (let i = 1; i < requests.length; i++) {
    if (requests[i]!.t < requests[i - 1]!.t) {
      throw new RangeError(
        `requests must be sorted by arrival time: request ${requests[i]!.id} at ${requests[i]!.t} ms comes after one at ${requests[i - 1]!.t} ms`,
      );
    }
  }
}

/**
 * Runs the real {@link ZetaDynamicRouter} over `requests` on a virtual clock, the simulated models
 * serving each call, and returns one outcome per request (in request order) and what each model
 * saw. Deterministic: the same options give the same results.
 *
 * @throws RangeError when the requests are not sorted by arrival time, or when a simulated model
 * ever ran more calls than its concurrency (the router's capacity guarantee, checked here too).
 */
export async function runSimulation(options: SimulateRouterOptions): Promise<SimulationRun> {
  const { models, requests, seed } = options;
  assertSorted(requests);
  const clock = new VirtualClock();
  const calls = models.map((spec) => createSimModelCall(spec, clock, seed));
  const router = new ZetaDynamicRouter<SimRequest, SimResponse>({
    maxWaiting: 100_000,
    ...options.router,
    models: models.map((spec, i) => ({
      id: spec.id,
      tasks: spec.tasks,
      home: spec.home ?? [],
      concurrency: spec.concurrency,
      ...(spec.maxComplexity !== undefined ? { maxComplexity: spec.maxComplexity } : {}),
      ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}),
      maxQueue: spec.maxQueue ?? SIM_DEFAULT_MAX_QUEUE,
      ...(spec.cost !== undefined ? { cost: spec.cost } : {}),
      call: calls[i]!,
    })),
    strategy: options.strategy,
    clock,
    random: seededRandom(seed ^ 0x5eed),
  });
  const outcomes: SimOutcome[] = new Array(requests.length);
  /** The last call started per request: its model and start time. */
  const lastCall = new Map<number, { model: string; at: number }>();
  router.on('dispatch', (e) => lastCall.set(e.requestId, { model: e.model, at: clock.now() }));
  let settled = 0;
  const total = requests.length;
  const progressEvery = Math.max(1, Math.floor(total / 100));
  const record = (index: number, outcome: SimOutcome): void => {
    outcomes[index] = outcome;
    settled++;
    if (options.onProgress && settled % progressEvery === 0) options.onProgress(settled, total);
  };

  let next = 0;
  const arrive = (): void => {
    const index = next++;
    const req = requests[index]!;
    router
      .runWithInfo(req, {
        task: {
          type: req.type,
          complexity: req.complexity,
          tokens: req.tokens,
          priority: req.priority,
        },
      })
      .then(
        (info) =>
          record(index, {
            id: req.id,
            type: req.type,
            t: req.t,
            model: info.model,
            start: req.t + info.totalMs - info.latencyMs,
            end: req.t + info.totalMs,
            latency: info.totalMs,
            queued: info.queuedMs,
            ok: true,
          }),
        (error: unknown) => {
          const end = clock.now();
          const id = isZetaError(error) ? error.requestId : undefined;
          const call = id !== undefined ? lastCall.get(id) : undefined;
          // A failed request's last call ran from its start to its end (or to the settle, for a
          // timeout); a request that never ran has no model and no service time.
          const start = call?.at ?? end;
          record(index, {
            id: req.id,
            type: req.type,
            t: req.t,
            model: call?.model ?? null,
            start,
            end,
            latency: end - req.t,
            queued: start - req.t,
            ok: false,
            error: isZetaError(error) ? error.code : 'UNKNOWN',
          });
        },
      );
    const following = requests[next];
    if (following) clock.setTimeout(arrive, following.t - clock.now());
  };
  if (total > 0) clock.setTimeout(arrive, requests[0]!.t);
  await clock.run();
  await router.close();
  if (settled !== total)
    throw new Error(`simulation ended with ${total - settled} requests unsettled`);
  const stats: Record<string, SimModelCallStats> = {};
  for (const call of calls) {
    const s = call.stats();
    if (s.overCapacity > 0) {
      throw new RangeError(
        `model ${call.spec.id} ran more than its concurrency ${call.spec.concurrency} (max ${s.maxInFlight})`,
      );
    }
    stats[call.spec.id] = s;
  }
  return { outcomes, models: stats };
}

/**
 * {@link runSimulation}'s outcomes alone: one per request, in request order.
 */
export async function simulateRouter(options: SimulateRouterOptions): Promise<SimOutcome[]> {
  return (await runSimulation(options)).outcomes;
}

/** One row of a comparison: a strategy (or the pooled reference) and its report. */
export interface StrategyResult {
  /** The strategy's name, or `'pooled'` for the reference. */
  readonly name: string;
  readonly report: SimReport;
  /** This strategy's p99 latency over the pooled reference's (1 = as good as the reference). */
  readonly p99VsPooled: number;
}

/** What {@link compareStrategies} returns: every strategy on the same arrivals. */
export interface Comparison {
  readonly scenario: string;
  readonly seed: number;
  readonly requests: number;
  readonly models: readonly SimModelSpec[];
  /** One entry per strategy, in the order given, then the pooled reference last. */
  readonly results: readonly StrategyResult[];
}

/** Options of {@link compareStrategies}. */
export interface CompareOptions {
  /** A label for reports. */
  readonly scenario: string;
  readonly models: readonly SimModelSpec[];
  readonly requests: readonly SimRequest[];
  /** The strategies to compare on the same arrivals. */
  readonly strategies: ReadonlyArray<StrategyName | Strategy>;
  readonly seed: number;
  readonly router?: SimRouterOptions;
  /** Report time buckets and CDF resolution. */
  readonly stats?: StatsOptions;
  /** Progress across all runs: `run` is the strategy index, `settled` of `total` in it. */
  readonly onProgress?: (run: number, runs: number, settled: number, total: number) => void;
}

/**
 * Runs every strategy on the same arrivals and service times, plus the pooled reference (one shared
 * queue in front of every capable server, bound late by shortest expected delay with clairvoyant
 * service times: close to the best any router can do), and reports each.
 */
export async function compareStrategies(options: CompareOptions): Promise<Comparison> {
  const { models, requests, seed } = options;
  assertSorted(requests);
  const runs = options.strategies.length;
  const outcomes: Array<{ name: string; outcomes: SimOutcome[]; busyMs?: Record<string, number> }> =
    [];
  for (const [i, strategy] of options.strategies.entries()) {
    const run = await runSimulation({
      models,
      requests,
      strategy,
      seed,
      ...(options.router ? { router: options.router } : {}),
      onProgress: (settled, total) => options.onProgress?.(i, runs, settled, total),
    });
    outcomes.push({
      name: typeof strategy === 'string' ? strategy : strategy.name,
      outcomes: run.outcomes,
      busyMs: Object.fromEntries(Object.entries(run.models).map(([id, m]) => [id, m.busyMs])),
    });
  }
  outcomes.push({ name: 'pooled', outcomes: simulatePooled({ models, requests, seed }) });
  // One window for every run, from the first arrival to the last settlement of any run, so
  // throughput and utilization compare (a strategy that drains a backlog later is not flattered).
  const first = requests.length > 0 ? requests[0]!.t : 0;
  let last = first;
  for (const o of outcomes) for (const x of o.outcomes) if (x.end > last) last = x.end;
  const shared: StatsOptions = {
    durationMs: last - first,
    bucketMs: commonBucketMs(outcomes.map((o) => o.outcomes)),
    ...options.stats,
  };
  const raw = outcomes.map((o) => ({
    name: o.name,
    report: computeStats(o.outcomes, models, o.busyMs ? { ...shared, busyMs: o.busyMs } : shared),
  }));
  const pooled = raw[raw.length - 1]!.report;
  const ref = pooled.latency.p99;
  return {
    scenario: options.scenario,
    seed,
    requests: requests.length,
    models,
    results: raw.map((r) => ({
      ...r,
      p99VsPooled: ref > 0 ? r.report.latency.p99 / ref : Number.NaN,
    })),
  };
}
