import { isZetaError } from '../errors/ZetaError.js';
import type { StrategyName, ZetaRouterOptions } from '../router/options.js';
import { ZetaDynamicRouter } from '../router/ZetaDynamicRouter.js';
import type { Strategy } from '../strategy/Strategy.js';
import { seededRandom } from '../utils/random.js';
import { createSimModelCall, type SimModelSpec } from './models.js';
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

/**
 * Runs the real {@link ZetaDynamicRouter} over `requests` on a virtual clock, the simulated models
 * serving each call, and returns one outcome per request (in request order). Deterministic: the
 * same options give the same outcomes.
 */
export async function simulateRouter(options: SimulateRouterOptions): Promise<SimOutcome[]> {
  const { models, requests, seed } = options;
  const clock = new VirtualClock();
  const router = new ZetaDynamicRouter<SimRequest, SimResponse>({
    maxWaiting: 100_000,
    ...options.router,
    models: models.map((spec) => ({
      id: spec.id,
      tasks: spec.tasks,
      home: spec.home ?? [],
      concurrency: spec.concurrency,
      ...(spec.maxComplexity !== undefined ? { maxComplexity: spec.maxComplexity } : {}),
      ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}),
      maxQueue: spec.maxQueue ?? SIM_DEFAULT_MAX_QUEUE,
      ...(spec.cost !== undefined ? { cost: spec.cost } : {}),
      call: createSimModelCall(spec, clock, seed),
    })),
    strategy: options.strategy,
    clock,
    random: seededRandom(seed ^ 0x5eed),
  });
  const outcomes: SimOutcome[] = new Array(requests.length);
  const lastModel = new Map<number, string>();
  router.on('dispatch', (e) => lastModel.set(e.requestId, e.model));
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
          const model =
            isZetaError(error) && error.requestId !== undefined
              ? lastModel.get(error.requestId)
              : undefined;
          record(index, {
            id: req.id,
            type: req.type,
            t: req.t,
            model: model ?? null,
            start: req.t,
            end,
            latency: end - req.t,
            queued: end - req.t,
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
  return outcomes;
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
  const duration = requests.length > 0 ? requests[requests.length - 1]!.t : 0;
  const runs = options.strategies.length;
  const outcomes: Array<{ name: string; outcomes: SimOutcome[] }> = [];
  for (const [i, strategy] of options.strategies.entries()) {
    outcomes.push({
      name: typeof strategy === 'string' ? strategy : strategy.name,
      outcomes: await simulateRouter({
        models,
        requests,
        strategy,
        seed,
        ...(options.router ? { router: options.router } : {}),
        onProgress: (settled, total) => options.onProgress?.(i, runs, settled, total),
      }),
    });
  }
  outcomes.push({ name: 'pooled', outcomes: simulatePooled({ models, requests, seed }) });
  const statsOptions: StatsOptions = {
    durationMs: duration,
    bucketMs: commonBucketMs(outcomes.map((o) => o.outcomes)),
    ...options.stats,
  };
  const raw = outcomes.map((o) => ({
    name: o.name,
    report: computeStats(o.outcomes, models, statsOptions),
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
