import { configInvalid, describeValue, throwIfProblems } from '../utils/options.js';
import { seededRandom } from '../utils/random.js';
import { type DistributionSpec, distributionMean } from './distributions.js';
import {
  isNum,
  isRecord,
  mustBe,
  optionsProblems,
  requestListProblems,
  seedProblems,
} from './internal/check.js';
import { hashSeed } from './internal/hash.js';
import {
  canServe,
  fleetProblems,
  modelConditionsAt,
  type SimModelSpec,
  serviceSpecFor,
} from './models.js';
import type { SimRequest } from './types.js';
import {
  type TaskMix,
  type TaskTypeSpec,
  type WorkloadSpec,
  workloadProblems,
  workloadRequests,
} from './workloads.js';

/** Most models {@link heterogeneousFleet} builds. */
const MAX_FLEET = 100_000;

/** Most arrivals {@link estimateLoad} samples. */
const MAX_SAMPLES = 10_000_000;

const LOAD_KEYS = ['samples', 'seed', 'from', 'until'] as const satisfies ReadonlyArray<
  keyof LoadEstimateOptions
>;

/**
 * A built-in simulation scenario: a fleet, a workload and how many requests to run. Plain,
 * serialisable data (a JSON file of this shape works the same).
 */
export interface SimScenario {
  /** Short name, e.g. `'code-burst'`. */
  readonly name: string;
  /** What the scenario tests and the load it puts on the fleet. */
  readonly description: string;
  /** The fleet. */
  readonly models: readonly SimModelSpec[];
  /** The workload. */
  readonly workload: WorkloadSpec;
  /** Default number of requests to run. */
  readonly requests: number;
}

const lognormal = (median: number, spread = 2.5): DistributionSpec => ({
  kind: 'lognormal',
  median,
  spread,
});
const uniform = (min: number, max: number): DistributionSpec => ({ kind: 'uniform', min, max });

/**
 * The default fleet, modelled on the mission's static table (simple → 7B, embeddings → 4B,
 * complex reasoning → 14B). Service times are log-normal with p95 = 2.5 × median (so mean =
 * 1.168 × median); medians in milliseconds:
 *
 * | model | concurrency | home | maxComplexity | simple | code | reasoning | embedding |
 * | --- | --- | --- | --- | --- | --- | --- | --- |
 * | `coder-7b` | 8 | code, simple | 0.7 | 500 | 1,200 | 3,000 | – |
 * | `embedder-4b` | 16 | embedding | 0.5 | 300 | – | – | 25 |
 * | `reasoner-14b` | 4 | reasoning | 1 | 900 | 2,000 | 4,000 | – |
 *
 * The 14B does not serve embeddings: vectors from different models are not comparable, so
 * embeddings have exactly one capable model. Capacity at full use (requests per second):
 * coder-7b 5.7 code or 13.7 simple; embedder-4b 548 embeddings or 45.7 simple; reasoner-14b 0.86
 * reasoning or 1.7 code. Token budgets: 65,536 (7B), 131,072 (4B and 14B).
 */
export const defaultFleet: readonly SimModelSpec[] = [
  {
    id: 'coder-7b',
    tasks: ['simple', 'code', 'reasoning'],
    home: ['code', 'simple'],
    maxComplexity: 0.7,
    concurrency: 8,
    maxTokens: 65_536,
    cost: 1,
    service: {
      byTask: { simple: lognormal(500), code: lognormal(1200), reasoning: lognormal(3000) },
    },
  },
  {
    id: 'embedder-4b',
    tasks: ['embedding', 'simple'],
    home: ['embedding'],
    maxComplexity: 0.5,
    concurrency: 16,
    maxTokens: 131_072,
    cost: 0.5,
    service: { byTask: { embedding: lognormal(25), simple: lognormal(300) } },
  },
  {
    id: 'reasoner-14b',
    tasks: ['simple', 'code', 'reasoning'],
    home: ['reasoning'],
    maxComplexity: 1,
    concurrency: 4,
    maxTokens: 131_072,
    cost: 2,
    service: {
      byTask: { simple: lognormal(900), code: lognormal(2000), reasoning: lognormal(4000) },
    },
  },
];

/**
 * The request shapes of the built-in scenarios: simple chat (complexity 0–0.4, priority 1:
 * interactive), code (0.1–0.65, long prompts), embedding (0–0.2, no output) and reasoning
 * (0.3–0.9: a third above 0.7, which only reasoner-14b accepts). Token counts are log-normal.
 */
export const defaultTaskTypes: Readonly<Record<string, TaskTypeSpec>> = {
  simple: {
    complexity: uniform(0, 0.4),
    promptTokens: lognormal(200, 3),
    outputTokens: lognormal(120, 3),
    priority: 1,
  },
  code: {
    complexity: uniform(0.1, 0.65),
    promptTokens: lognormal(1500, 4),
    outputTokens: lognormal(250, 3),
  },
  embedding: {
    complexity: uniform(0, 0.2),
    promptTokens: lognormal(300, 3),
  },
  reasoning: {
    complexity: uniform(0.3, 0.9),
    promptTokens: lognormal(800, 3),
    outputTokens: lognormal(800, 2.5),
  },
};

/** The everyday mix: 40% simple, 30% code, 20% embedding, 10% reasoning. */
const steadyMix: TaskMix = { simple: 0.4, code: 0.3, embedding: 0.2, reasoning: 0.1 };

function withPhases(
  models: readonly SimModelSpec[],
  id: string,
  phases: SimModelSpec['phases'],
): SimModelSpec[] {
  return models.map((m) => (m.id === id && phases !== undefined ? { ...m, phases } : m));
}

const SPEEDS = [0.5, 0.75, 1, 1.5, 2, 3];

/**
 * A large fleet of mixed speed and capability, generated deterministically from `seed`. Models
 * are named `m0000`, `m0001`…; each is one of four kinds (service medians in milliseconds before
 * its speed factor, drawn from 0.5, 0.75, 1, 1.5, 2, 3; log-normal, p95 = 2.5 × median):
 *
 * | kind | share | tasks (home first) | maxComplexity | concurrency | medians |
 * | --- | --- | --- | --- | --- | --- |
 * | embed | 10% | embedding | 1 | 16 | embedding 25 |
 * | small | 40% | simple, code | 0.5 | 4 or 8 | simple 400, code 1,000 |
 * | medium | 35% | code, simple, reasoning | 0.7 | 4 or 8 | simple 500, code 1,200, reasoning 3,000 |
 * | large | 15% | reasoning, simple, code | 1 | 2 or 4 | simple 900, code 2,000, reasoning 4,000 |
 *
 * @param count - Number of models, an integer from 1 to 100,000.
 * @param seed - Seed of the draws (an integer). @default 1
 * @throws ZetaError `CONFIG_INVALID` listing every bad argument.
 */
export function heterogeneousFleet(count: number, seed = 1): SimModelSpec[] {
  throwIfProblems('heterogeneousFleet arguments', [
    ...(Number.isInteger(count) && count >= 1 && count <= MAX_FLEET
      ? []
      : [mustBe('count', `an integer from 1 to ${MAX_FLEET}`, count)]),
    ...seedProblems(seed),
  ]);
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const width = Math.max(4, String(count - 1).length);
  return Array.from({ length: count }, (_, i): SimModelSpec => {
    const id = `m${String(i).padStart(width, '0')}`;
    const kind = random();
    const speed = pick(SPEEDS);
    const ln = (median: number): DistributionSpec => lognormal(median * speed);
    if (kind < 0.1) {
      return { id, tasks: ['embedding'], home: ['embedding'], concurrency: 16, service: ln(25) };
    }
    if (kind < 0.5) {
      return {
        id,
        tasks: ['simple', 'code'],
        home: ['simple'],
        maxComplexity: 0.5,
        concurrency: pick([4, 8]),
        service: { byTask: { simple: ln(400), code: ln(1000) } },
      };
    }
    if (kind < 0.85) {
      return {
        id,
        tasks: ['code', 'simple', 'reasoning'],
        home: ['code'],
        maxComplexity: 0.7,
        concurrency: pick([4, 8]),
        service: { byTask: { simple: ln(500), code: ln(1200), reasoning: ln(3000) } },
      };
    }
    return {
      id,
      tasks: ['reasoning', 'simple', 'code'],
      home: ['reasoning'],
      maxComplexity: 1,
      concurrency: pick([2, 4]),
      cost: 2,
      service: { byTask: { simple: ln(900), code: ln(2000), reasoning: ln(4000) } },
    };
  });
}

const heterogeneous1000 = heterogeneousFleet(1000, 1);

/**
 * The built-in scenarios, by name. Rates are in requests per second. Utilization figures (ρ) are
 * offered work over capacity, from the rates, the mixes and the mean service times (1.168 × the
 * medians), as {@link estimateLoad} computes them: "static" puts each task type on its home
 * model (the original table); "balanced" spreads work over capable models to even out ρ (what
 * a good router can reach). Windowed figures cover the scenario's event.
 */
export const scenarios = {
  /**
   * **steady**: the everyday mix (40% simple, 30% code, 20% embedding, 10% reasoning) at 5/s,
   * Poisson, 3,000 requests (10 min). Static ρ: coder-7b 0.41, reasoner-14b 0.58, embedder-4b
   * 0.002; balanced 0.35. Below capacity everywhere: routing should never do worse than static.
   */
  steady: {
    name: 'steady',
    description:
      'Everyday mix (40% simple, 30% code, 20% embedding, 10% reasoning) at 5 req/s. Static load: coder-7b 0.41, reasoner-14b 0.58, embedder-4b 0.002; balanced 0.35. Below capacity: routing should never do worse than static.',
    models: defaultFleet,
    workload: { arrivals: { kind: 'poisson', rate: 5 }, mix: steadyMix, types: defaultTaskTypes },
    requests: 3000,
  },
  /**
   * **code-burst**: 80% code, 15% simple, 5% embedding at 7.3/s, 4,000 requests (9 min). Static
   * ρ on coder-7b is 1.11: it saturates and its queue grows without bound, while reasoner-14b
   * idles (ρ 0). The fleet can absorb it (code capacity: 5.71/s on coder-7b plus 1.71/s on
   * reasoner-14b; simple requests can move to embedder-4b): balanced ρ 0.79. The win comes from
   * spilling code to the reasoner.
   */
  'code-burst': {
    name: 'code-burst',
    description:
      '80% code, 15% simple, 5% embedding at 7.3 req/s. Static: coder-7b 1.11 (saturated) while reasoner-14b idles; balanced 0.79 by spilling code to reasoner-14b (and simple to embedder-4b).',
    models: defaultFleet,
    workload: {
      arrivals: { kind: 'poisson', rate: 7.3 },
      mix: { code: 0.8, simple: 0.15, embedding: 0.05 },
      types: defaultTaskTypes,
    },
    requests: 4000,
  },
  /**
   * **embedding-flood**: the steady traffic with a 30 s flood from t = 60 s to 90 s: 495
   * embeddings/s on top of the other tasks' steady 4/s; 15,600 requests (about 2.5 min). Only
   * embedder-4b serves embeddings: the flood drives it to ρ 0.89 whatever the routing, while
   * coder-7b (0.40) and reasoner-14b (0.58) keep their steady load. A good router keeps simple
   * requests off the flooded embedder and does not let the flood hurt other tasks.
   */
  'embedding-flood': {
    name: 'embedding-flood',
    description:
      'Steady traffic plus a 30 s flood of 495 embeddings/s (t = 60–90 s): embedder-4b at 0.89 whatever the routing, coder-7b 0.40 and reasoner-14b 0.58 unchanged. Keep simple requests off the flooded embedder.',
    models: defaultFleet,
    workload: {
      arrivals: {
        kind: 'piecewise',
        segments: [
          { at: 0, rate: 5 },
          { at: 60_000, rate: 499 },
          { at: 90_000, rate: 5 },
        ],
      },
      mix: [
        { at: 0, mix: steadyMix },
        { at: 60_000, mix: { embedding: 495, simple: 2, code: 1.5, reasoning: 0.5 } },
        { at: 90_000, mix: steadyMix },
      ],
      types: defaultTaskTypes,
    },
    requests: 15_600,
  },
  /**
   * **reasoning-spike**: steady traffic at 5/s, then from t = 120 s to 240 s 6/s with 25%
   * reasoning (35% simple, 25% code, 15% embedding); 1,800 requests (about 6 min). Static ρ on
   * reasoner-14b jumps from 0.58 to 1.75 (its backlog grows by about 0.6 requests/s for two
   * minutes) while coder-7b sits at 0.42. Reasoning up to complexity 0.7 (two thirds of it) can
   * run on coder-7b: balanced ρ 0.67 during the spike.
   */
  'reasoning-spike': {
    name: 'reasoning-spike',
    description:
      'Steady 5 req/s, then 120–240 s at 6 req/s with 25% reasoning: static reasoner-14b 1.75 (saturated), coder-7b 0.42; balanced 0.67 when reasoning up to complexity 0.7 spills to coder-7b.',
    models: defaultFleet,
    workload: {
      arrivals: {
        kind: 'piecewise',
        segments: [
          { at: 0, rate: 5 },
          { at: 120_000, rate: 6 },
          { at: 240_000, rate: 5 },
        ],
      },
      mix: [
        { at: 0, mix: steadyMix },
        { at: 120_000, mix: { simple: 0.35, code: 0.25, embedding: 0.15, reasoning: 0.25 } },
        { at: 240_000, mix: steadyMix },
      ],
      types: defaultTaskTypes,
    },
    requests: 1800,
  },
  /**
   * **slow-model**: the steady mix at 4/s, 1,440 requests (6 min); coder-7b becomes 10x slower
   * from t = 120 s to 240 s, then recovers. Static ρ on coder-7b goes from 0.33 to 3.3
   * (hopelessly overloaded; reasoner-14b stays at 0.47); balanced 0.91 during the slowdown, by
   * moving simple requests to embedder-4b and most code to reasoner-14b. Tests latency drift
   * detection and recovery.
   */
  'slow-model': {
    name: 'slow-model',
    description:
      'Steady mix at 4 req/s; coder-7b 10x slower from 120 s to 240 s, then recovers. Static coder-7b 0.33 → 3.3; balanced 0.91 by moving simple to embedder-4b and code to reasoner-14b.',
    models: withPhases(defaultFleet, 'coder-7b', [{ at: 120_000, until: 240_000, slowdown: 10 }]),
    workload: { arrivals: { kind: 'poisson', rate: 4 }, mix: steadyMix, types: defaultTaskTypes },
    requests: 1440,
  },
  /**
   * **failing-model**: the steady mix at 3/s, 1,080 requests (6 min); every coder-7b call fails
   * (at the end of its service time) from t = 120 s to 240 s, then it recovers. 70% of requests
   * (simple and code) are homed there: with the router's retries and health, even static falls
   * back to other capable models once coder-7b opens, so the cost shows as latency, not errors
   * (see `npx zeta-sim failing-model`). Without coder-7b the rest
   * of the fleet can still serve everything: reasoner-14b at ρ 0.87 with all code and reasoning,
   * embedder-4b taking simple (0.03). Outside the failure, static ρ is 0.25 (coder-7b) and 0.35
   * (reasoner-14b). Tests error tracking, health (open / half-open) and retries.
   */
  'failing-model': {
    name: 'failing-model',
    description:
      'Steady mix at 3 req/s; coder-7b fails every call from 120 s to 240 s, then recovers. Static keeps sending its home traffic to coder-7b until health opens it, then falls back to any capable model (retries cover the failed calls); without coder-7b the fleet still copes (reasoner-14b 0.87, embedder-4b takes simple).',
    models: withPhases(defaultFleet, 'coder-7b', [
      { at: 120_000, until: 240_000, failureProbability: 1 },
    ]),
    workload: { arrivals: { kind: 'poisson', rate: 3 }, mix: steadyMix, types: defaultTaskTypes },
    requests: 1080,
  },
  /**
   * **heterogeneous-1000**: 1,000 models of mixed speed and capability
   * ({@link heterogeneousFleet}`(1000, 1)`) under the steady mix at 1,000/s, 20,000 requests
   * (20 s). Static (home models only) averages ρ 0.28 but overloads the reasoning homes (the
   * large models) at 1.33; balanced, no model exceeds 0.54. Tests decision cost on a large fleet
   * (it must stay flat as models grow) and spreading over many candidates.
   */
  'heterogeneous-1000': {
    name: 'heterogeneous-1000',
    description:
      '1,000 models of mixed speed and capability under the steady mix at 1,000 req/s. Static averages 0.28 but overloads the reasoning homes at 1.33; balanced max 0.54. Decision cost must stay flat.',
    models: heterogeneous1000,
    workload: {
      arrivals: { kind: 'poisson', rate: 1000 },
      mix: steadyMix,
      types: defaultTaskTypes,
    },
    requests: 20_000,
  },
} as const satisfies Record<string, SimScenario>;

/** Name of a built-in scenario. */
export type ScenarioName = keyof typeof scenarios;

/** The names of the built-in scenarios, in definition order. */
export const scenarioNames: readonly ScenarioName[] = Object.keys(scenarios) as ScenarioName[];

/**
 * A built-in scenario by name, as a deep copy (safe to modify).
 *
 * @throws ZetaError `CONFIG_INVALID` naming the known scenarios (and the one meant, for a
 * wrong case) when `name` is unknown.
 */
export function getScenario(name: string): SimScenario {
  if (typeof name !== 'string' || !Object.hasOwn(scenarios, name)) {
    const near =
      typeof name === 'string'
        ? scenarioNames.find((n) => n.toLowerCase() === name.toLowerCase())
        : undefined;
    throw configInvalid('getScenario arguments', [
      typeof name === 'string'
        ? `unknown scenario '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`} (known: ${scenarioNames.join(', ')})`
        : mustBe('name', 'a scenario name', name),
    ]);
  }
  return structuredClone(scenarios[name as ScenarioName]) as SimScenario;
}

/** Options of {@link estimateLoad}. */
export interface LoadEstimateOptions {
  /** Arrivals to sample (in the window, over as many runs as needed, at most 1,000). @default 20,000 */
  readonly samples?: number;
  /** Seed of the sample. @default 1 */
  readonly seed?: number;
  /** Count only arrivals from this time on, in milliseconds. @default 0 */
  readonly from?: number;
  /**
   * Count only arrivals before this time, in milliseconds. When set, runs of the workload are
   * repeated (seeds derived from `seed`) until `samples` arrivals fall in the window.
   * @default the time of the `samples`-th arrival of one run
   */
  readonly until?: number;
}

/** Offered load of a workload on a fleet (see {@link estimateLoad}). */
export interface LoadEstimate {
  /** Arrivals per second in the window. */
  readonly rate: number;
  /** Utilization per model when each request runs on its capable home models (the static table). */
  readonly static: Readonly<Record<string, number>>;
  /**
   * Utilization per model when each request is split over all its capable models in proportion
   * to their capacity for it. A feasible spread, so its maximum bounds the best achievable one.
   */
  readonly proportional: Readonly<Record<string, number>>;
  /**
   * Utilization per model when work is balanced greedily (in small slices, each to the model
   * whose utilization ends lowest): close to the lowest achievable maximum, and also feasible.
   */
  readonly balanced: Readonly<Record<string, number>>;
  /** Share of the requests in the window that no model can serve, 0..1. */
  readonly incapable: number;
}

/** Requests sharing a type and a capable set, aggregated. */
interface LoadClass {
  readonly capable: readonly number[];
  readonly home: readonly number[];
  /** Total mean service time on each capable model (same order as `capable`), in ms. */
  readonly work: Float64Array;
}

/**
 * Estimates the utilization a workload offers each model, from a sample of its requests and the
 * models' mean service times (slowdowns included, failures ignored): offered work (mean service
 * time) over capacity (`concurrency × window`). Requests are grouped by type and capable set;
 * each group's work is placed three ways, see {@link LoadEstimate}. Figures are averages over the
 * window `[from, until)`.
 *
 * @throws ZetaError `CONFIG_INVALID` "Invalid estimateLoad arguments" listing every problem of
 * the fleet, the workload and the options (unknown keys included; `samples` at most 10,000,000).
 * @example
 * estimateLoad(scenarios['code-burst'].models, scenarios['code-burst'].workload).static['coder-7b'];
 * //=> ≈ 1.11
 */
export function estimateLoad(
  models: readonly SimModelSpec[],
  workload: WorkloadSpec,
  options: LoadEstimateOptions = {},
): LoadEstimate {
  const problems = [
    ...fleetProblems(models),
    ...workloadProblems(workload),
    ...optionsProblems(options, LOAD_KEYS, { optional: true }),
  ];
  const o: Record<string, unknown> = isRecord(options) ? options : {};
  const {
    samples = 20_000,
    seed = 1,
    from = 0,
    until,
  } = o as {
    samples?: number;
    seed?: number;
    from?: number;
    until?: number;
  };
  if (
    !(Number.isInteger(samples) && (samples as number) >= 1 && (samples as number) <= MAX_SAMPLES)
  )
    problems.push(mustBe('samples', `an integer from 1 to ${MAX_SAMPLES}`, samples));
  problems.push(...seedProblems(seed));
  if (!(isNum(from) && from >= 0))
    problems.push(mustBe('from', 'a finite number >= 0 (milliseconds)', from));
  if (until !== undefined && !(isNum(until) && isNum(from) && until > from))
    problems.push(mustBe('until', `a finite number > from (${describeValue(from)})`, until));
  throwIfProblems('estimateLoad arguments', problems);
  return accumulateLoad(models, (add) => {
    let count = 0;
    if (until === undefined) {
      let last = from;
      for (const req of workloadRequests(workload, seed)) {
        if (req.t >= from) {
          add(req);
          count++;
          last = req.t;
        }
        if (count >= samples) break;
      }
      return last - from;
    }
    let runs = 0;
    while (count < samples && runs < 1000) {
      for (const req of workloadRequests(workload, hashSeed(seed, 'load', runs))) {
        if (req.t >= until) break;
        if (req.t >= from) {
          add(req);
          count++;
        }
      }
      runs++;
    }
    return runs * (until - from);
  });
}

/**
 * Like {@link estimateLoad}, for a list of requests (a replayed trace): the window runs from the
 * first arrival to the last.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem of the fleet and the requests.
 */
export function estimateRequestLoad(
  models: readonly SimModelSpec[],
  requests: readonly SimRequest[],
): LoadEstimate {
  throwIfProblems('estimateRequestLoad arguments', [
    ...fleetProblems(models),
    ...requestListProblems(requests, 'requests', false),
  ]);
  return accumulateLoad(models, (add) => {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const req of requests) {
      add(req);
      if (req.t < first) first = req.t;
      if (req.t > last) last = req.t;
    }
    return requests.length > 1 ? last - first : 0;
  });
}

/**
 * The time compression that makes `requests` load the fleet's busiest model to `utilization`
 * when work is balanced well ({@link LoadEstimate.balanced}): divide arrival times by it.
 *
 * @example
 * const requests = mergeAzureTraces({ code, conv });
 * const compress = compressionForUtilization(defaultFleet, requests, 0.7);
 */
export function compressionForUtilization(
  models: readonly SimModelSpec[],
  requests: readonly SimRequest[],
  utilization: number,
): number {
  throwIfProblems('compressionForUtilization arguments', [
    ...fleetProblems(models),
    ...requestListProblems(requests, 'requests', false),
    ...(isNum(utilization) && utilization > 0
      ? []
      : [mustBe('utilization', 'a finite number > 0', utilization)]),
  ]);
  const peak = Math.max(...Object.values(estimateRequestLoad(models, requests).balanced));
  // A trace spanning no time (one request, or all at once) has no rate to scale: leave it.
  return peak > 0 && Number.isFinite(peak) ? utilization / peak : 1;
}

/**
 * Shared by the load estimates: groups requests by type and capable set, then places each group's
 * work three ways. `fill` feeds every request to `add` and returns the window length in ms.
 */
function accumulateLoad(
  models: readonly SimModelSpec[],
  fill: (add: (req: SimRequest) => void) => number,
): LoadEstimate {
  const cuts = (xs: readonly number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
  const complexityCuts = cuts(models.map((m) => m.maxComplexity ?? 1));
  const tokenCuts = cuts(models.map((m) => m.maxTokens ?? Number.POSITIVE_INFINITY));
  const below = (sorted: readonly number[], x: number): number => {
    let i = 0;
    while (i < sorted.length && (sorted[i] as number) < x) i++;
    return i;
  };
  // Mean service per model and task type, for specs that do not depend on tokens.
  const meanCache = models.map(() => new Map<string, number>());
  const meanOf = (i: number, req: SimRequest): number => {
    const m = models[i] as SimModelSpec;
    const slowdown = m.phases === undefined ? 1 : modelConditionsAt(m, req.t).slowdown;
    const cache = meanCache[i] as Map<string, number>;
    const cached = cache.get(req.type);
    if (cached !== undefined) return cached * slowdown;
    const spec = serviceSpecFor(m, req.type) as DistributionSpec;
    const mean = distributionMean(spec, req);
    if (spec.kind !== 'prefillDecode') cache.set(req.type, mean);
    return mean * slowdown;
  };

  const classes = new Map<string, LoadClass | null>();
  let count = 0;
  let incapable = 0;
  const add = (req: SimRequest): void => {
    count++;
    const key = `${below(complexityCuts, req.complexity)}|${below(tokenCuts, req.tokens)}|${req.type}`;
    let c = classes.get(key);
    if (c === undefined) {
      const capable: number[] = [];
      const home: number[] = [];
      models.forEach((m, i) => {
        if (!canServe(m, req)) return;
        capable.push(i);
        if (m.home?.includes(req.type)) home.push(i);
      });
      c = capable.length === 0 ? null : { capable, home, work: new Float64Array(capable.length) };
      classes.set(key, c);
    }
    if (c === null) {
      incapable++;
      return;
    }
    c.capable.forEach((i, j) => {
      c.work[j]! += meanOf(i, req);
    });
  };

  const durationMs = fill(add);

  // Server-milliseconds available per model over the window.
  const capacity = models.map((m) => m.concurrency * durationMs);
  const staticWork = new Float64Array(models.length);
  const proportionalWork = new Float64Array(models.length);
  const balancedWork = new Float64Array(models.length);
  const groups = [...classes.values()].filter((c): c is LoadClass => c !== null);
  for (const c of groups) {
    const spread = (work: Float64Array, onlyHome: boolean): void => {
      // Capacity share of model i for this group: c_i / (mean service of the group on i).
      const share = c.capable.map((i, j) =>
        onlyHome && !c.home.includes(i)
          ? 0
          : (models[i] as SimModelSpec).concurrency / (c.work[j] as number),
      );
      const total = share.reduce((a, b) => a + b, 0);
      c.capable.forEach((i, j) => {
        work[i]! += ((share[j] as number) / total) * (c.work[j] as number);
      });
    };
    spread(staticWork, c.home.length > 0);
    spread(proportionalWork, false);
  }
  // Greedy balance: slices of each group in turn (most constrained groups first), each slice to
  // the capable model whose utilization ends lowest.
  const SLICES = 400;
  const ordered = [...groups].sort((a, b) => a.capable.length - b.capable.length);
  for (let slice = 0; slice < SLICES; slice++) {
    for (const c of ordered) {
      let best = -1;
      let bestRho = Number.POSITIVE_INFINITY;
      c.capable.forEach((i, j) => {
        const rho =
          ((balancedWork[i] as number) + (c.work[j] as number) / SLICES) / (capacity[i] as number);
        if (rho < bestRho) {
          bestRho = rho;
          best = j;
        }
      });
      const i = c.capable[best] as number;
      balancedWork[i]! += (c.work[best] as number) / SLICES;
    }
  }
  const toRecord = (work: Float64Array): Record<string, number> => {
    const out: Record<string, number> = {};
    models.forEach((m, i) => {
      out[m.id] = durationMs > 0 ? (work[i] as number) / (capacity[i] as number) : 0;
    });
    return out;
  };
  return {
    rate: durationMs > 0 ? count / (durationMs / 1000) : 0,
    static: toRecord(staticWork),
    proportional: toRecord(proportionalWork),
    balanced: toRecord(balancedWork),
    incapable: count > 0 ? incapable / count : 0,
  };
}
