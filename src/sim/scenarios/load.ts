import { describeValue, throwIfProblems } from '../../utils/options.js';
import { type DistributionSpec, distributionMean } from '../distributions.js';
import {
  isNum,
  isRecord,
  mustBe,
  optionsProblems,
  requestListProblems,
  seedProblems,
} from '../internal/check.js';
import { hashSeed } from '../internal/hash.js';
import { canServe, modelConditionsAt, serviceSpecFor } from '../models/serving.js';
import { fleetProblems, type SimModelSpec } from '../models/spec.js';
import type { SimRequest } from '../types.js';
import { workloadRequests } from '../workloads/requests.js';
import { type WorkloadSpec, workloadProblems } from '../workloads/spec.js';

/** Offered load: the utilization a workload or a trace puts on each model of a fleet. */

/** Most arrivals {@link estimateLoad} samples. */
const MAX_SAMPLES = 10_000_000;

const LOAD_KEYS = ['samples', 'seed', 'from', 'until'] as const satisfies ReadonlyArray<
  keyof LoadEstimateOptions
>;

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
