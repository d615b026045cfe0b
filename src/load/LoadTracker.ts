import type { FinishDetails, LatencyStats, LearnedStats, TaskType } from '../types.js';
import type { LearnedState } from './learnedState.js';

/**
 * Recent load figures of one model, as returned by {@link LoadTracker.modelStats}.
 *
 * Counts are totals since the tracker first saw the model (or since {@link LoadTracker.removeModel}
 * last forgot it); rates are exponentially weighted, so they describe the recent past.
 */
export interface ModelLoadStats {
  /** Calls started on the model and not finished yet (never negative). */
  readonly inFlight: number;
  /**
   * Recent share of calls that threw, from 0 to 1: an exponentially weighted moving average over
   * calls, not over time, so it only moves when calls finish. 0 before the first call.
   */
  readonly errorRate: number;
  /** Recent successful completions per second (exponentially time-decayed; 0 when idle long enough). */
  readonly throughput: number;
  /** Calls that finished successfully (`ok`). */
  readonly completed: number;
  /** Calls that threw (`ok: false`). */
  readonly failed: number;
}

/** Arrival figures of one task type, as returned by {@link LoadTracker.arrivals}. */
export interface ArrivalStats {
  /** Recent arrival rate in requests per second (exponentially time-decayed). */
  readonly rate: number;
  /**
   * Expected arrival rate `horizonMs` from now, in requests per second; never negative.
   * Equals `rate` until the tracker has enough history to forecast.
   */
  readonly forecast: number;
  /** How fast the arrival rate is changing, in requests per second per second (negative: falling). */
  readonly trend: number;
  /** How far ahead `forecast` looks, in milliseconds. */
  readonly horizonMs: number;
}

/** Latency and counts of one (model, task type) pair in a {@link TrackerSnapshot}. */
export interface TaskLoadSnapshot {
  /** The task type. */
  readonly task: TaskType;
  /** Calls of this task type running on the model now. */
  readonly inFlight: number;
  /** Calls of this task type that finished successfully on the model (total). */
  readonly completed: number;
  /** Calls of this task type that threw on the model (total). */
  readonly failed: number;
  /** Latency over the sliding window, in milliseconds (the figures `latency()` serves). */
  readonly latency: LatencyStats;
  /** Time to first token of streams over the sliding window, in milliseconds, when any started. */
  readonly firstToken?: LatencyStats;
}

/** One model in a {@link TrackerSnapshot}: its {@link ModelLoadStats} plus a row per task type. */
export interface ModelSnapshot extends ModelLoadStats {
  /** The model id. */
  readonly model: string;
  /** One entry per task type the model has served or started, in first-seen order. */
  readonly tasks: readonly TaskLoadSnapshot[];
}

/** One task type's arrivals in a {@link TrackerSnapshot}. */
export interface ArrivalSnapshot extends ArrivalStats {
  /** The task type. */
  readonly task: TaskType;
  /** Requests of this task type that arrived since the tracker started. */
  readonly total: number;
}

/**
 * A plain-data copy of everything a tracker knows, for dashboards and `router.snapshot()`.
 * Fresh objects on every call; no references into the tracker's state. Arrays rather than
 * records, so any task type or model id (even `__proto__`) is safe. `NaN` latency figures (empty
 * windows) become `null` under `JSON.stringify`.
 */
export interface TrackerSnapshot {
  /** The time the snapshot was taken (the `now` passed in), in milliseconds. */
  readonly at: number;
  /** Length of the latency window, in milliseconds. */
  readonly windowMs: number;
  /** One entry per known model, in first-seen order. */
  readonly models: readonly ModelSnapshot[];
  /** One entry per task type that has arrived, in first-seen order. */
  readonly arrivals: readonly ArrivalSnapshot[];
}

/**
 * Where the router records what happens and reads the live load view from.
 *
 * The router calls the `record*` methods on its hot path and reads `latency()` and `modelStats()`
 * for every candidate of every decision, so implementations must be cheap: O(1) amortised per call,
 * no I/O, and no unbounded growth. Every method takes the current time `now` in milliseconds from
 * the router's `Clock` (so a virtual clock drives it in tests and the simulator); times are
 * expected not to go backwards. Methods never throw on odd inputs (unknown ids, stray finishes).
 *
 * Returned objects are read-only views: callers must not mutate them, and implementations may hand
 * out the same object again (see {@link LoadTracker.latency}).
 *
 * The built-in implementation is {@link InMemoryLoadTracker}.
 */
export interface LoadTracker {
  /**
   * A request of this task type arrived at the router (before routing).
   *
   * @param task - The request's task type.
   * @param now - Arrival time in milliseconds.
   */
  recordArrival(task: TaskType, now: number): void;

  /**
   * A call started on `model` for `task`.
   *
   * @param model - The model id.
   * @param task - The task type of the request.
   * @param now - Start time in milliseconds.
   */
  recordStart(model: string, task: TaskType, now: number): void;

  /**
   * A call finished after `latencyMs` (start to settle); `ok` is false when the call threw.
   *
   * @param model - The model id.
   * @param task - The task type of the request.
   * @param latencyMs - Time from start to settle, in milliseconds.
   * @param ok - Whether the call succeeded.
   * @param now - Finish time in milliseconds.
   * @param details - What else is known of the call: the request's complexity, its estimated
   *   tokens, the real token usage. The router passes it; a tracker may ignore it.
   */
  recordFinish(
    model: string,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details?: FinishDetails,
  ): void;

  /**
   * A call ended without telling anything about the model: its caller gave up (aborted) and the
   * call returned or threw afterwards. Only the in-flight count changes: no latency sample, no
   * success, no failure. Optional: a tracker without it gets `recordFinish` with a NaN latency.
   *
   * @param model - The model id.
   * @param task - The task type of the request.
   * @param now - Time in milliseconds.
   */
  recordAbandon?(model: string, task: TaskType, now: number): void;

  /**
   * A stream's first chunk came after `ttftMs` (time to first token). Optional: a tracker without
   * it does not track streams' first chunks.
   *
   * @param model - The model id.
   * @param task - The task type of the request.
   * @param ttftMs - From the call's start to its first chunk, in milliseconds.
   * @param now - Time in milliseconds.
   */
  recordFirstToken?(model: string, task: TaskType, ttftMs: number, now: number): void;

  /**
   * Time to first token of (model, task) over the sliding window, in milliseconds (empty stats
   * when no stream of it started in the window). Optional, with {@link LoadTracker.recordFirstToken}.
   */
  firstToken?(model: string, task: TaskType, now: number): LatencyStats;

  /**
   * Latency of (model, task) over the sliding window, in milliseconds.
   *
   * Served from a cache refreshed on a cadence, so it may lag the latest samples slightly; between
   * refreshes the same object is returned. An unknown pair or an empty window gives `count` 0 and
   * `NaN` for every other figure.
   *
   * @param model - The model id.
   * @param task - The task type.
   * @param now - Read time in milliseconds (expires samples that left the window).
   */
  latency(model: string, task: TaskType, now: number): LatencyStats;

  /**
   * Per-model recent figures: calls in flight, error rate, throughput and outcome counts.
   * An unknown model gives all zeros.
   *
   * @param model - The model id.
   * @param now - Read time in milliseconds (time-decayed rates are evaluated at it).
   */
  modelStats(model: string, now: number): ModelLoadStats;

  /**
   * Arrival rate of a task type in requests per second, now and forecast ahead.
   * A task type that never arrived gives all zeros.
   *
   * @param task - The task type.
   * @param now - Read time in milliseconds.
   */
  arrivals(task: TaskType, now: number): ArrivalStats;

  /**
   * Plain-data copy for dashboards: per model, per task latency stats and counts; per task
   * arrivals. Fresh objects on every call.
   *
   * @param now - Snapshot time in milliseconds.
   */
  snapshot(now: number): TrackerSnapshot;

  /**
   * A quality report (0 = useless, 1 = perfect) of an answer `model` gave, from
   * `router.reportQuality`. Optional: a tracker without it does not learn quality.
   *
   * @param model - The model id.
   * @param quality - The quality, 0..1.
   * @param now - Time in milliseconds.
   * @param task - The answered request's task, when the app said which: the report then also
   *   counts for its (task type, complexity band).
   */
  recordQuality?(
    model: string,
    quality: number,
    now: number,
    task?: { readonly type: TaskType; readonly complexity?: number },
  ): void;

  /**
   * What has been learned of (model, task) for a request of this complexity: time-decayed
   * outcomes per complexity band and for the task as a whole, reported quality, the fit of latency
   * on output tokens and the task's token calibration, the model's speed across task types and the
   * fleet's level for the task (see {@link LearnedStats}). Optional: the adaptive strategy falls
   * back to the latency window without it. Must be cheap (read per candidate per decision);
   * `undefined` when nothing is known of the model. A model that has not served the task yet
   * still has its speed and the fleet's level (task figures 0 or NaN). The returned object may be
   * reused and refreshed in place by a later read: use its figures at once, do not keep it.
   *
   * @param model - The model id.
   * @param task - The task type.
   * @param complexity - The request's complexity, 0..1.
   * @param now - Read time in milliseconds (evidence is decayed to it).
   */
  learned?(
    model: string,
    task: TaskType,
    complexity: number,
    now: number,
  ): LearnedStats | undefined;

  /**
   * A plain, versioned, JSON-ready copy of what the tracker has learned (decayed to `now`), for
   * `router.exportState()`. Optional, with {@link LoadTracker.importLearned}.
   */
  exportLearned?(now: number): LearnedState;

  /**
   * Replaces what the tracker has learned with `state` (as {@link LoadTracker.exportLearned} gave
   * it), stamped at `now`. Validates fully first: on a bad state it throws a `ZetaError`
   * (`STATE_INVALID`) and changes nothing.
   */
  importLearned?(state: unknown, now: number): void;

  /**
   * Forgets a model and all its figures (called when a model is removed from the router).
   * Unknown ids are ignored. A call that finishes on the model afterwards starts a fresh entry.
   *
   * @param model - The model id.
   */
  removeModel(model: string): void;
}
