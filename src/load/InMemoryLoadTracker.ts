import type { FinishDetails, LatencyStats, LearnedStats, TaskType } from '../types.js';
import { learnedLatency } from '../utils/limits.js';
import {
  type InMemoryLoadTrackerOptions,
  inMemoryLoadTrackerDefaults,
  OTHER_TASK_TYPE,
} from './InMemoryLoadTrackerOptions.js';
import { EMPTY_LATENCY, LatencyWindow } from './internal/LatencyWindow.js';
import { COMPLEXITY_BANDS } from './internal/Learned.js';
import { bounded, LearnedStore } from './internal/LearnedStore.js';
import { type ResolvedLoadTrackerOptions, resolveOptions } from './internal/resolveOptions.js';
import { ArrivalState, ModelState, PairState } from './internal/state.js';
import type {
  ArrivalSnapshot,
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  ModelSnapshot,
  TaskLoadSnapshot,
  TrackerSnapshot,
} from './LoadTracker.js';
import { type LearnedState, parseLearnedState } from './learnedState.js';

const ZERO_MODEL_STATS: ModelLoadStats = Object.freeze({
  inFlight: 0,
  errorRate: 0,
  throughput: 0,
  completed: 0,
  failed: 0,
});

/**
 * The default {@link LoadTracker}: everything in the process's memory, bounded whatever the
 * traffic.
 *
 * - **Latency** per (model, task): a ring of `buckets` t-digests rotated on the clock passed in,
 *   merged on read into p50 / p95 / p99; count and mean are exact over the window. Reads are served
 *   from a cache recomputed every `refreshEvery` samples or `refreshMs` milliseconds, whichever
 *   comes first. Only successful calls with a finite latency enter the window: a model that fails
 *   fast must not look fast. A latency above 1e9 ms (a clock jump) counts as 1e9 ms, here and in
 *   what is learned.
 * - **Error rate** per model: an EWMA over calls with half-life `errorHalfLife` calls,
 *   bias-corrected so the first calls count fully (one failure out of one call reads 1).
 * - **Throughput** per model and **arrival rate** per task: exponentially time-decayed rates with
 *   half-life `rateHalfLifeMs`, in events per second.
 * - **Arrival forecast** per task: Holt's double exponential smoothing over arrival counts per
 *   `forecastIntervalMs`, extrapolated `horizonMs` ahead and clamped at 0.
 *
 * Times are taken as given: a `now` earlier than one already seen, or not finite, counts as the
 * latest time seen, so a stray clock reading cannot corrupt the windows.
 *
 * Memory per (model, task) pair is at most `buckets × (25 / compression + 1)` centroids plus fixed
 * arrays; there is one pair per model and task type seen, until {@link InMemoryLoadTracker.removeModel}.
 *
 * @example
 * const tracker = new InMemoryLoadTracker({ windowMs: 30_000 });
 * tracker.recordArrival('code', clock.now());
 * tracker.recordStart('coder-7b', 'code', clock.now());
 * tracker.recordFinish('coder-7b', 'code', 840, true, clock.now());
 * tracker.latency('coder-7b', 'code', clock.now()).p95; //=> 840
 */
export class InMemoryLoadTracker implements LoadTracker {
  readonly #options: ResolvedLoadTrackerOptions;
  readonly #errorAlpha: number;
  readonly #models = new Map<string, ModelState>();
  readonly #arrivals = new Map<TaskType, ArrivalState>();
  readonly #zeroArrivals: ArrivalStats;
  readonly #learned: LearnedStore;
  #lastId: string | undefined;
  #lastState: ModelState | undefined;

  /**
   * @param options - Tuning; every field is optional.
   * @throws {ZetaError} `CONFIG_INVALID` when an option is out of range, not a number, or unknown;
   * the message names each problem.
   */
  constructor(options?: InMemoryLoadTrackerOptions) {
    this.#options = resolveOptions(options, inMemoryLoadTrackerDefaults);
    this.#errorAlpha = 1 - 2 ** (-1 / this.#options.errorHalfLife);
    this.#learned = new LearnedStore(
      this.#options.learnHalfLifeMs,
      this.#options.maxTaskTypes,
      OTHER_TASK_TYPE,
    );
    this.#zeroArrivals = Object.freeze({
      rate: 0,
      forecast: 0,
      trend: 0,
      horizonMs: this.#options.horizonMs,
    });
  }

  /** The options in effect, defaults filled in. */
  get options(): Readonly<Required<InMemoryLoadTrackerOptions>> {
    return this.#options;
  }

  /** {@inheritDoc LoadTracker.recordArrival} */
  recordArrival(task: TaskType, now: number): void {
    const key = this.#key(this.#arrivals, task);
    let state = this.#arrivals.get(key);
    if (state === undefined) {
      state = new ArrivalState(this.#options);
      this.#arrivals.set(key, state);
    }
    state.total++;
    state.rate.add(now);
    state.holt.add(now);
  }

  /** {@inheritDoc LoadTracker.recordStart} */
  recordStart(model: string, task: TaskType, _now: number): void {
    const state = this.#model(model);
    state.inFlight++;
    state.version++;
    this.#pair(state, task).inFlight++;
  }

  /**
   * {@inheritDoc LoadTracker.recordFinish}
   *
   * A finish without a matching start (same model and task) leaves `inFlight` unchanged. A
   * non-finite `latencyMs` is not added to the window (the outcome still counts); a negative one
   * counts as 0. The outcome is also learned (`learned()`): for the band of `details.complexity`;
   * with `details.usage`, for the token fit and the calibration of `details.estimatedTokens`.
   */
  recordFinish(
    model: string,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details?: FinishDetails,
  ): void {
    const state = this.#model(model);
    state.version++;
    const pair = this.#pair(state, task);
    this.#learned.finish(state, pair, task, latencyMs, ok, now, details);
    this.#free(state, pair);
    const alpha = this.#errorAlpha;
    state.fadeErrors(now, this.#options.errorDecayMs);
    state.errorSum += alpha * ((ok ? 0 : 1) - state.errorSum);
    state.errorWeight += alpha * (1 - state.errorWeight);
    if (!ok) {
      state.failed++;
      pair.failed++;
      return;
    }
    state.completed++;
    pair.completed++;
    state.throughput.add(now);
    if (Number.isFinite(latencyMs)) pair.window.add(learnedLatency(latencyMs), now);
  }

  /** {@inheritDoc LoadTracker.recordAbandon} */
  recordAbandon(model: string, task: TaskType, _now: number): void {
    const state = this.#find(model);
    const pair = state?.tasks.get(this.#key(state.tasks, task));
    if (state !== undefined && this.#free(state, pair)) state.version++;
  }

  /**
   * Frees the slot of a call of `pair` that finished or was abandoned: only one matched by a start
   * frees one, so a model's inFlight stays the sum of its pairs' and neither goes below 0. A call
   * started under `(other)` before an import gave its task type a pair of its own frees
   * `(other)`'s. Whether a slot was freed.
   */
  #free(state: ModelState, pair: PairState | undefined): boolean {
    const slot = pair !== undefined && pair.inFlight > 0 ? pair : state.tasks.get(OTHER_TASK_TYPE);
    if (slot === undefined || slot.inFlight === 0) return false;
    slot.inFlight--;
    state.inFlight--;
    return true;
  }

  /** {@inheritDoc LoadTracker.recordFirstToken} */
  recordFirstToken(model: string, task: TaskType, ttftMs: number, now: number): void {
    if (!Number.isFinite(ttftMs)) return;
    const pair = this.#pair(this.#model(model), task);
    pair.firstToken ??= new LatencyWindow(this.#options);
    pair.firstToken.add(learnedLatency(ttftMs), now);
  }

  /** {@inheritDoc LoadTracker.firstToken} */
  firstToken(model: string, task: TaskType, now: number): LatencyStats {
    const state = this.#find(model);
    const pair = state?.tasks.get(this.#key(state.tasks, task));
    return pair?.firstToken === undefined ? EMPTY_LATENCY : pair.firstToken.read(now);
  }

  /** {@inheritDoc LoadTracker.latency} */
  latency(model: string, task: TaskType, now: number): LatencyStats {
    const state = this.#find(model);
    const pair = state?.tasks.get(this.#key(state.tasks, task));
    return pair === undefined ? EMPTY_LATENCY : pair.window.read(now);
  }

  /** {@inheritDoc LoadTracker.modelStats} */
  modelStats(model: string, now: number): ModelLoadStats {
    const state = this.#find(model);
    if (state === undefined) return ZERO_MODEL_STATS;
    // Read for every candidate of every decision: reuse the last view until something is recorded
    // or a millisecond passes (throughput decays with time, by a negligible 7e-5 per ms at the
    // default half-life).
    const cached = state.cached;
    if (
      cached !== undefined &&
      cached.version === state.version &&
      now >= cached.now &&
      now - cached.now < 1
    ) {
      return cached.stats;
    }
    const stats: ModelLoadStats = Object.freeze({
      inFlight: state.inFlight,
      errorRate: state.errorRate(now, this.#options.errorDecayMs),
      throughput: state.throughput.perSecond(now),
      completed: state.completed,
      failed: state.failed,
    });
    state.cached = { version: state.version, now, stats };
    return stats;
  }

  /** {@inheritDoc LoadTracker.arrivals} */
  arrivals(task: TaskType, now: number): ArrivalStats {
    const state = this.#arrivals.get(this.#key(this.#arrivals, task));
    if (state === undefined) return this.#zeroArrivals;
    const { horizonMs } = this.#options;
    const rate = state.rate.perSecond(now);
    const holt = state.holt;
    holt.advance(now);
    if (!holt.ready) return { rate, forecast: rate, trend: 0, horizonMs };
    return {
      rate,
      forecast: holt.forecast(now + horizonMs),
      trend: holt.trendPerSecond(),
      horizonMs,
    };
  }

  /** {@inheritDoc LoadTracker.snapshot} */
  snapshot(now: number): TrackerSnapshot {
    const models: ModelSnapshot[] = [];
    for (const [model, state] of this.#models) {
      const tasks: TaskLoadSnapshot[] = [];
      for (const [task, pair] of state.tasks) {
        tasks.push({
          task,
          inFlight: pair.inFlight,
          completed: pair.completed,
          failed: pair.failed,
          latency: { ...pair.window.read(now) },
          ...(pair.firstToken ? { firstToken: { ...pair.firstToken.read(now) } } : {}),
        });
      }
      models.push({ model, ...this.modelStats(model, now), tasks });
    }
    const arrivals: ArrivalSnapshot[] = [];
    for (const [task, state] of this.#arrivals) {
      arrivals.push({ task, total: state.total, ...this.arrivals(task, now) });
    }
    return { at: now, windowMs: this.#options.windowMs, models, arrivals };
  }

  /** {@inheritDoc LoadTracker.recordQuality} */
  recordQuality(
    model: string,
    quality: number,
    now: number,
    task?: { readonly type: TaskType; readonly complexity?: number },
  ): void {
    if (!(quality >= 0 && quality <= 1)) return;
    const state = this.#model(model);
    const pair = typeof task?.type === 'string' ? this.#pair(state, task.type) : undefined;
    this.#learned.quality(state, pair, task?.complexity, quality, now);
  }

  /** {@inheritDoc LoadTracker.learned} */
  learned(
    model: string,
    task: TaskType,
    complexity: number,
    now: number,
  ): LearnedStats | undefined {
    const state = this.#find(model);
    if (state === undefined) return undefined;
    const pair = state.tasks.get(this.#key(state.tasks, task));
    return this.#learned.read(state, pair, task, complexity, now);
  }

  /** {@inheritDoc LoadTracker.exportLearned} */
  exportLearned(now: number): LearnedState {
    return this.#learned.export(this.#models, now);
  }

  /**
   * {@inheritDoc LoadTracker.importLearned}
   * @throws {ZetaError} `STATE_INVALID` listing what is wrong with `state`; nothing is changed.
   */
  importLearned(state: unknown, now: number): void {
    const checked = parseLearnedState(state, COMPLEXITY_BANDS, this.#options.maxTaskTypes);
    this.#learned.import(checked, now, this.#models, {
      model: (id) => this.#model(id),
      pair: (m, task) => this.#pair(m, task),
    });
  }

  /** {@inheritDoc LoadTracker.removeModel} */
  removeModel(model: string): void {
    this.#models.delete(model);
    this.#lastId = undefined;
    this.#lastState = undefined;
  }

  /** The state of `model`; the last lookup is kept (a decision reads 3 figures of it in a row). */
  #find(model: string): ModelState | undefined {
    if (model === this.#lastId) return this.#lastState;
    const state = this.#models.get(model);
    if (state !== undefined) {
      this.#lastId = model;
      this.#lastState = state;
    }
    return state;
  }

  #model(model: string): ModelState {
    let state = this.#find(model);
    if (state === undefined) {
      state = new ModelState(this.#options.rateHalfLifeMs);
      this.#models.set(model, state);
    }
    return state;
  }

  #pair(state: ModelState, task: TaskType): PairState {
    const key = this.#key(state.tasks, task);
    let pair = state.tasks.get(key);
    if (pair === undefined) {
      pair = new PairState(this.#options);
      state.tasks.set(key, pair);
    }
    return pair;
  }

  /** The key `task` is tracked under in `map`: itself, or `(other)` once the map is full. */
  #key(map: ReadonlyMap<TaskType, unknown>, task: TaskType): TaskType {
    return bounded(map, task, this.#options.maxTaskTypes, OTHER_TASK_TYPE);
  }
}
