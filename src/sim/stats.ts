import { configInvalid, throwIfProblems } from '../utils/options.js';
import { isNum, isRecord, mustBe, optionsProblems } from './internal/check.js';
import { fleetProblems, type SimModelSpec } from './models/spec.js';
import type { SimOutcome } from './types.js';

/** Summary of a set of durations, in milliseconds. All zero when `count` is 0. */
export interface DurationSummary {
  /** Number of values. */
  readonly count: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Median (exact, nearest rank). */
  readonly p50: number;
  /** 95th percentile (exact, nearest rank). */
  readonly p95: number;
  /** 99th percentile (exact, nearest rank). */
  readonly p99: number;
  /** Largest value. */
  readonly max: number;
}

/** Figures of one model over a run. */
export interface ModelReport {
  /** The model id. */
  readonly id: string;
  /** Requests it ran (last attempt), successful or not. */
  readonly requests: number;
  /** Of those, the successful ones. */
  readonly ok: number;
  /** Of those, the failed ones. */
  readonly errors: number;
  /** Time its servers spent on those requests, in milliseconds. */
  readonly busyMs: number;
  /** `busyMs / (concurrency * durationMs)`, 0..1. */
  readonly utilization: number;
  /** Requests it ran whose task type it is not a home model of. */
  readonly spilled: number;
}

/** Figures of one time bucket (requests are bucketed by arrival time). */
export interface BucketReport {
  /** Start of the bucket, in milliseconds. */
  readonly start: number;
  /** Requests arriving in the bucket. */
  readonly arrivals: number;
  /** Of those, the failed ones. */
  readonly errors: number;
  /** Latency of the successful ones, in milliseconds. */
  readonly latency: DurationSummary;
  /** Queueing delay of the successful ones, in milliseconds. */
  readonly queuedMean: number;
}

/** One point of the latency CDF: a share `p` of successful requests took at most `latency` ms. */
export interface CdfPoint {
  /** Latency in milliseconds. */
  readonly latency: number;
  /** Cumulative share, 0..1. */
  readonly p: number;
}

/**
 * The figures of a simulation run. Plain JSON-serialisable data (no NaN, no Infinity, no
 * undefined), deterministic for given outcomes: object keys and arrays come in a fixed order.
 */
export interface SimReport {
  /** Requests in the run. */
  readonly requests: number;
  /** Successful requests. */
  readonly ok: number;
  /** Failed requests. */
  readonly failed: number;
  /** Failed requests per error code, keys sorted. */
  readonly errors: Readonly<Record<string, number>>;
  /** From the first arrival to the last settlement, in milliseconds. */
  readonly durationMs: number;
  /** Successful requests per second over `durationMs`. */
  readonly throughput: number;
  /** Latency (arrival to settlement) of successful requests, in milliseconds. */
  readonly latency: DurationSummary;
  /** Queueing delay (arrival to call start) of successful requests, in milliseconds. */
  readonly queued: DurationSummary;
  /** Latency of successful requests per task type, keys sorted. */
  readonly latencyByType: Readonly<Record<string, DurationSummary>>;
  /** Share of the requests that ran on some model that ran on a non-home model, 0..1. */
  readonly spillShare: number;
  /** Per-model figures, in fleet order. */
  readonly models: readonly ModelReport[];
  /** Time series. */
  readonly series: {
    /** Bucket width in milliseconds. */
    readonly bucketMs: number;
    /** Buckets from time 0 to the end of the run. */
    readonly buckets: readonly BucketReport[];
    /** Utilization (0..1) of each model per bucket, keyed by model id in fleet order. */
    readonly load: Readonly<Record<string, readonly number[]>>;
  };
  /** Latency CDF of successful requests, `cdfPoints` points at p = 1/n, 2/n, … 1. */
  readonly cdf: readonly CdfPoint[];
}

/** Options of {@link computeStats}. */
export interface StatsOptions {
  /**
   * Width of the time-series buckets, in milliseconds.
   * @default a 1-2-5 step giving at most 60 buckets over the run
   */
  readonly bucketMs?: number;
  /** Number of latency CDF points. @default 100 */
  readonly cdfPoints?: number;
  /** Duration used for throughput and utilization, in milliseconds. @default measured */
  readonly durationMs?: number;
  /**
   * Measured busy time per model in milliseconds (e.g. from the simulated models, including failed
   * attempts that were retried elsewhere), used for utilization instead of the outcomes' own
   * start-to-end spans.
   */
  readonly busyMs?: Readonly<Record<string, number>>;
}

const STATS_KEYS = [
  'bucketMs',
  'cdfPoints',
  'durationMs',
  'busyMs',
] as const satisfies ReadonlyArray<keyof StatsOptions>;

/** Most latency CDF points a report may hold. */
const MAX_CDF_POINTS = 100_000;

/** Most time buckets a report may hold (an explicit `bucketMs` far below the run's length). */
const MAX_BUCKETS = 1_000_000;

/**
 * Problems of {@link StatsOptions}: unknown keys, values out of range. Internal: shared with
 * {@link compareStrategies}.
 */
export function statsOptionsProblems(options: unknown, where = ''): string[] {
  const problems = optionsProblems(options, STATS_KEYS, { where, optional: true });
  if (!isRecord(options)) return problems;
  const { bucketMs, cdfPoints, durationMs, busyMs } = options;
  if (bucketMs !== undefined && !(isNum(bucketMs) && bucketMs > 0))
    problems.push(mustBe(`${where}bucketMs`, 'a finite number > 0', bucketMs));
  if (
    cdfPoints !== undefined &&
    !(
      Number.isInteger(cdfPoints) &&
      (cdfPoints as number) >= 1 &&
      (cdfPoints as number) <= MAX_CDF_POINTS
    )
  )
    problems.push(mustBe(`${where}cdfPoints`, `an integer from 1 to ${MAX_CDF_POINTS}`, cdfPoints));
  if (durationMs !== undefined && !(isNum(durationMs) && durationMs >= 0))
    problems.push(mustBe(`${where}durationMs`, 'a finite number >= 0', durationMs));
  if (busyMs !== undefined) {
    if (!isRecord(busyMs)) {
      problems.push(mustBe(`${where}busyMs`, 'an object of milliseconds per model id', busyMs));
    } else {
      for (const [id, ms] of Object.entries(busyMs)) {
        if (!(isNum(ms) && ms >= 0))
          problems.push(mustBe(`${where}busyMs.${id}`, 'a finite number >= 0', ms));
      }
    }
  }
  return problems;
}

/**
 * The exact `p`-quantile of ascending-sorted values by the nearest-rank method: the smallest value
 * with at least a share `p` of the values at or below it. 0 for no values.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rankIndex = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rankIndex - 1] as number;
}

/** Summarises durations (any order) exactly. */
export function summarize(values: readonly number[]): DurationSummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    mean: sum / n,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted[n - 1] as number,
  };
}

/** The smallest 1-2-5 step >= `x`. */
/**
 * A time-bucket width shared by several runs (about 60 buckets over the longest), so their time
 * series line up in one plot.
 */
export function commonBucketMs(runs: ReadonlyArray<readonly SimOutcome[]>): number {
  let end = 0;
  for (const outcomes of runs) for (const o of outcomes) if (o.end > end) end = o.end;
  return niceStep(end / 60);
}

function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const base = 10 ** Math.floor(Math.log10(x));
  for (const f of [1, 2, 5, 10]) if (f * base >= x) return f * base;
  return 10 * base;
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

/**
 * Computes the report of a run from its per-request outcomes.
 *
 * Latency and queueing figures cover successful requests; failures are counted by error code.
 * Utilization is busy time (call start to end, failed calls included) over `concurrency ×
 * durationMs`. A request spills when the model that ran it is not a home model of its type.
 * Time series bucket requests by arrival time and split each call's busy time over the buckets
 * it spans.
 *
 * @param outcomes - One outcome per request (any order).
 * @param models - The fleet (for concurrency, home models and report order).
 * @throws ZetaError `CONFIG_INVALID` listing every problem: an unknown option key, an option out
 * of range (`cdfPoints` at most 100,000; a `bucketMs` giving more than 1,000,000 buckets over the
 * run), an invalid fleet, `outcomes` not an array.
 */
export function computeStats(
  outcomes: readonly SimOutcome[],
  models: readonly SimModelSpec[],
  options: StatsOptions = {},
): SimReport {
  throwIfProblems('computeStats arguments', [
    ...(Array.isArray(outcomes) ? [] : [mustBe('outcomes', 'an array of outcomes', outcomes)]),
    ...fleetProblems(models),
    ...statsOptionsProblems(options),
  ]);
  const { cdfPoints = 100 } = options;

  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const o of outcomes) {
    if (o.t < first) first = o.t;
    if (o.end > last) last = o.end;
  }
  if (outcomes.length === 0) first = 0;
  const durationMs = options.durationMs ?? Math.max(0, last - first);

  const latencies: number[] = [];
  const queued: number[] = [];
  const latencyByType = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const perModel = new Map<
    string,
    { requests: number; ok: number; errors: number; busyMs: number; spilled: number }
  >();
  const specs = new Map(models.map((m) => [m.id, m] as const));
  const order = models.map((m) => m.id);
  for (const id of order)
    perModel.set(id, { requests: 0, ok: 0, errors: 0, busyMs: 0, spilled: 0 });
  let ran = 0;
  let spilled = 0;
  let ok = 0;

  for (const o of outcomes) {
    if (o.ok) {
      ok++;
      latencies.push(o.latency);
      queued.push(o.queued);
      let list = latencyByType.get(o.type);
      if (list === undefined) {
        list = [];
        latencyByType.set(o.type, list);
      }
      list.push(o.latency);
    } else {
      const code = o.error ?? 'ERROR';
      errors.set(code, (errors.get(code) ?? 0) + 1);
    }
    if (o.model !== null) {
      let m = perModel.get(o.model);
      if (m === undefined) {
        m = { requests: 0, ok: 0, errors: 0, busyMs: 0, spilled: 0 };
        perModel.set(o.model, m);
        order.push(o.model);
      }
      m.requests++;
      if (o.ok) m.ok++;
      else m.errors++;
      m.busyMs += o.end - o.start;
      ran++;
      if (!(specs.get(o.model)?.home ?? []).includes(o.type)) {
        m.spilled++;
        spilled++;
      }
    }
  }

  const concurrencyOf = (id: string): number => specs.get(id)?.concurrency ?? 1;
  const busyOf = (id: string, fromOutcomes: number): number =>
    options.busyMs !== undefined && Object.hasOwn(options.busyMs, id)
      ? options.busyMs[id]!
      : fromOutcomes;
  const modelReports: ModelReport[] = order.map((id) => {
    const m = perModel.get(id)!;
    const busyMs = busyOf(id, m.busyMs);
    return {
      id,
      ...m,
      busyMs,
      utilization: durationMs > 0 ? busyMs / (concurrencyOf(id) * durationMs) : 0,
    };
  });

  // Time series from time 0.
  const end = Math.max(last, first);
  const bucketMs = options.bucketMs ?? niceStep(end / 60);
  if (!(end / bucketMs < MAX_BUCKETS)) {
    throw configInvalid('computeStats arguments', [
      `bucketMs ${bucketMs} would make more than ${MAX_BUCKETS} buckets over the run's ${end} ms: use at least ${niceStep(end / MAX_BUCKETS)}`,
    ]);
  }
  const bucketCount = Math.max(1, Math.floor(end / bucketMs) + 1);
  const bucketLatency: number[][] = Array.from({ length: bucketCount }, () => []);
  const bucketQueued = new Float64Array(bucketCount);
  const bucketArrivals = new Float64Array(bucketCount);
  const bucketErrors = new Float64Array(bucketCount);
  const busy = new Map<string, Float64Array>(
    order.map((id) => [id, new Float64Array(bucketCount)]),
  );
  const bucketOf = (t: number): number =>
    Math.min(bucketCount - 1, Math.max(0, Math.floor(t / bucketMs)));
  for (const o of outcomes) {
    const b = bucketOf(o.t);
    bucketArrivals[b]! += 1;
    if (o.ok) {
      (bucketLatency[b] as number[]).push(o.latency);
      bucketQueued[b]! += o.queued;
    } else {
      bucketErrors[b]! += 1;
    }
    if (o.model !== null && o.end > o.start) {
      const row = busy.get(o.model)!;
      for (let k = bucketOf(o.start); k <= bucketOf(o.end); k++) {
        const overlap = Math.min(o.end, (k + 1) * bucketMs) - Math.max(o.start, k * bucketMs);
        if (overlap > 0) row[k]! += overlap;
      }
    }
  }
  const buckets: BucketReport[] = bucketLatency.map((list, k) => ({
    start: k * bucketMs,
    arrivals: bucketArrivals[k] as number,
    errors: bucketErrors[k] as number,
    latency: summarize(list),
    queuedMean: list.length > 0 ? (bucketQueued[k] as number) / list.length : 0,
  }));
  const load: Record<string, number[]> = {};
  for (const id of order) {
    const cap = concurrencyOf(id) * bucketMs;
    load[id] = Array.from(busy.get(id)!, (v) => v / cap);
  }

  const sortedLatency = Float64Array.from(latencies).sort();
  const cdf: CdfPoint[] =
    sortedLatency.length === 0
      ? []
      : Array.from({ length: cdfPoints }, (_, i) => {
          const p = (i + 1) / cdfPoints;
          return { latency: quantile(sortedLatency, p), p };
        });

  return {
    requests: outcomes.length,
    ok,
    failed: outcomes.length - ok,
    errors: sortedRecord(errors),
    durationMs,
    throughput: durationMs > 0 ? ok / (durationMs / 1000) : 0,
    latency: summarize(latencies),
    queued: summarize(queued),
    latencyByType: sortedRecord(
      [...latencyByType].map(([k, v]) => [k, summarize(v)] as [string, DurationSummary]),
    ),
    spillShare: ran > 0 ? spilled / ran : 0,
    models: modelReports,
    series: { bucketMs, buckets, load },
    cdf,
  };
}
