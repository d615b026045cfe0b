import { isZetaError } from '../errors/ZetaError.js';
import type { StrategyName, ZetaRouterOptions } from '../router/options.js';
import type { RouterSnapshot } from '../router/results.js';
import { ZetaDynamicRouter } from '../router/ZetaDynamicRouter.js';
import type { Strategy } from '../strategy/Strategy.js';
import { throwIfProblems } from '../utils/options.js';
import { seededRandom } from '../utils/random.js';
import {
  callbackProblems,
  isRecord,
  mustBe,
  optionsProblems,
  requestListProblems,
  seedProblems,
} from './internal/check.js';
import { createSimModelCall, type SimModelCallStats } from './models/call.js';
import { fleetProblems, type SimModelSpec } from './models/spec.js';
import { isPeerStrategyName, type PeerStrategyName, peerStrategies } from './peers/peers.js';
import { simulatePooled } from './pooled.js';
import {
  commonBucketMs,
  computeStats,
  type SimReport,
  type StatsOptions,
  statsOptionsProblems,
} from './stats.js';
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
  /** The strategy under test: a built-in name, a peer policy's name or your own. */
  readonly strategy: StrategyName | PeerStrategyName | Strategy;
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
  /**
   * The router's `snapshot()` once every request has settled: e.g. `experiments` holds each live
   * A/B arm's figures when `router.experiments` was set.
   */
  readonly snapshot: RouterSnapshot;
}

const SIMULATE_KEYS = [
  'models',
  'requests',
  'strategy',
  'seed',
  'router',
  'onProgress',
] as const satisfies ReadonlyArray<keyof SimulateRouterOptions>;

const COMPARE_KEYS = [
  'scenario',
  'models',
  'requests',
  'strategies',
  'seed',
  'router',
  'stats',
  'onProgress',
] as const satisfies ReadonlyArray<keyof CompareOptions>;

/** Router options the simulator sets itself (see {@link SimRouterOptions}). */
const SIMULATOR_OWNED = ['models', 'clock', 'random', 'strategy', 'classifier'];

function strategyProblems(strategy: unknown, path: string): string[] {
  if (strategy === 'static' || strategy === 'least-loaded' || strategy === 'adaptive') return [];
  if (typeof strategy === 'string' && isPeerStrategyName(strategy)) return [];
  if (
    isRecord(strategy) &&
    typeof strategy['name'] === 'string' &&
    typeof strategy['rank'] === 'function'
  )
    return [];
  return [
    mustBe(
      path,
      "'static', 'least-loaded', 'adaptive', a peer policy's name (see peerStrategyNames) or a Strategy ({ name, rank })",
      strategy,
    ),
  ];
}

/** A peer policy's name as its Strategy; the router resolves its own built-in names. */
function resolveStrategy(
  strategy: StrategyName | PeerStrategyName | Strategy,
): StrategyName | Strategy {
  return typeof strategy === 'string' && isPeerStrategyName(strategy)
    ? peerStrategies[strategy]
    : strategy;
}

/**
 * Problems of the options shared by {@link runSimulation} and {@link compareStrategies}: the fleet,
 * the requests (sorted by arrival time), the seed and the router options the simulator owns. The
 * router checks the rest of `router` itself (as `CONFIG_INVALID` "router options").
 */
function runProblems(options: Record<string, unknown>): string[] {
  const problems = [
    ...fleetProblems(options['models']),
    ...requestListProblems(options['requests'], 'requests', true),
    ...seedProblems(options['seed']),
  ];
  const router = options['router'];
  if (router !== undefined) {
    if (!isRecord(router)) problems.push(mustBe('router', 'an object or undefined', router));
    else
      for (const key of SIMULATOR_OWNED)
        if (key in router)
          problems.push(`router.${key} is set by the simulator; remove it from \`router\``);
  }
  return problems;
}

/** Problems of {@link SimulateRouterOptions}, every one of them. */
function simulateProblems(options: unknown): string[] {
  const problems = optionsProblems(options, SIMULATE_KEYS);
  if (!isRecord(options)) return problems;
  return [
    ...problems,
    ...runProblems(options),
    ...strategyProblems(options['strategy'], 'strategy'),
    ...callbackProblems(options['onProgress'], 'onProgress'),
  ];
}

/**
 * Runs the real {@link ZetaDynamicRouter} over `requests` on a virtual clock, the simulated models
 * serving each call, and returns one outcome per request (in request order) and what each model
 * saw. Deterministic: the same options give the same results.
 *
 * @throws (rejects with) ZetaError `CONFIG_INVALID` "Invalid runSimulation options" listing every
 * problem: unknown keys, an invalid fleet, requests that are malformed or not sorted by arrival
 * time, a seed that is not an integer, a bad strategy, `router` keys the simulator sets itself
 * (the router's own check covers the other `router` keys). RangeError when a simulated model
 * ever ran more calls than its concurrency (the router's capacity guarantee, checked here too).
 */
export async function runSimulation(options: SimulateRouterOptions): Promise<SimulationRun> {
  throwIfProblems('runSimulation options', simulateProblems(options));
  return await run(options);
}

async function run(options: SimulateRouterOptions): Promise<SimulationRun> {
  const { models, requests, seed } = options;
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
    strategy: resolveStrategy(options.strategy),
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
  const snapshot = router.snapshot();
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
  return { outcomes, models: stats, snapshot };
}

/**
 * {@link runSimulation}'s outcomes alone: one per request, in request order.
 *
 * @throws (rejects with) ZetaError `CONFIG_INVALID` "Invalid simulateRouter options" listing every
 * problem, as {@link runSimulation} does.
 */
export async function simulateRouter(options: SimulateRouterOptions): Promise<SimOutcome[]> {
  throwIfProblems('simulateRouter options', simulateProblems(options));
  return (await run(options)).outcomes;
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
  /** The strategies to compare on the same arrivals (built-in or peer names, or your own). */
  readonly strategies: ReadonlyArray<StrategyName | PeerStrategyName | Strategy>;
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
 *
 * @throws (rejects with) ZetaError `CONFIG_INVALID` "Invalid compareStrategies options" listing
 * every problem: unknown keys (also in `stats`), an invalid fleet, malformed or unsorted
 * requests, a bad seed, an empty or bad `strategies` list, a `scenario` that is not a string,
 * bad `stats` options, `router` keys the simulator sets itself.
 */
export async function compareStrategies(options: CompareOptions): Promise<Comparison> {
  const problems = optionsProblems(options, COMPARE_KEYS);
  if (isRecord(options)) {
    const o = options as unknown as Record<string, unknown>;
    problems.push(...runProblems(o));
    if (typeof o['scenario'] !== 'string')
      problems.push(mustBe('scenario', 'a string (a label for reports)', o['scenario']));
    const strategies = o['strategies'];
    if (!Array.isArray(strategies) || strategies.length === 0)
      problems.push(mustBe('strategies', 'a non-empty array of strategies', strategies));
    else
      strategies.forEach((s: unknown, i) => {
        problems.push(...strategyProblems(s, `strategies[${i}]`));
      });
    problems.push(...statsOptionsProblems(o['stats'], 'stats.'));
    problems.push(...callbackProblems(o['onProgress'], 'onProgress'));
  }
  throwIfProblems('compareStrategies options', problems);
  const { models, requests, seed } = options;
  const runs = options.strategies.length;
  const outcomes: Array<{ name: string; outcomes: SimOutcome[]; busyMs?: Record<string, number> }> =
    [];
  for (const [i, strategy] of options.strategies.entries()) {
    const result = await run({
      models,
      requests,
      strategy,
      seed,
      ...(options.router ? { router: options.router } : {}),
      onProgress: (settled, total) => options.onProgress?.(i, runs, settled, total),
    });
    outcomes.push({
      name: typeof strategy === 'string' ? strategy : strategy.name,
      outcomes: result.outcomes,
      busyMs: Object.fromEntries(Object.entries(result.models).map(([id, m]) => [id, m.busyMs])),
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
