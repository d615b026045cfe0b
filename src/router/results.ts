import type { ProbeReading } from '../probe/ModelProbe.js';
import type { HealthState, LatencyStats, TaskProfile, TaskType, TokenUsage } from '../types.js';
import type { Decision } from './events.js';

/** What `runWithInfo()` resolves with: the result and how it was obtained. */
export interface RunInfo<Res> {
  /** The router's id of the request. */
  readonly id: number;
  /** What the model call returned. */
  readonly result: Res;
  /** The model that served it. */
  readonly model: string;
  /** The task profile it was routed by. */
  readonly task: TaskProfile;
  /** Calls made (1 without retries). */
  readonly attempts: number;
  /** Time spent waiting for slots, in milliseconds (all attempts). */
  readonly queuedMs: number;
  /** Duration of the successful call, in milliseconds. */
  readonly latencyMs: number;
  /** From `run()` to settling, in milliseconds. */
  readonly totalMs: number;
  /** The decision that bound the successful call, as made at the time. */
  readonly decision: Decision;
  /** The request's experiment arm (`'control'` or an experiment's name); absent without `experiments`. */
  readonly experiment?: string;
  /** The real token counts of the successful call, when its client reported them. */
  readonly usage?: TokenUsage;
}

/** How a stream of `router.stream()` was served, known once its first chunk came. */
export interface StreamInfo {
  /** The model serving the stream. */
  readonly model: string;
  /** The task profile it was routed by. */
  readonly task: TaskProfile;
  /** Calls made (1 without failover before the first chunk). */
  readonly attempts: number;
  /** Time spent waiting for slots, in milliseconds (all attempts). */
  readonly queuedMs: number;
  /** From the serving call's start to its first chunk, in milliseconds. */
  readonly ttftMs: number;
  /**
   * True when no model could stream and a call served the request (`callIfNoStream`): the stream's
   * only item is the call's whole result, and `ttftMs` is the call's duration.
   */
  readonly whole?: boolean;
}

/** What `router.stream()` returns: the chunks, and how the stream was served once it started. */
export interface RouterStream<C> extends AsyncIterableIterator<C> {
  /** Set once the first chunk came (undefined before, and when the request failed). */
  readonly info: StreamInfo | undefined;
  /** Stops the stream (what `break` does): the model's call is aborted and its slot freed. */
  return(value?: unknown): Promise<IteratorResult<C>>;
}

/**
 * Per task type figures of one model in a {@link RouterSnapshot}: latency over the tracker's
 * window, and for streams the time to first token.
 */
export type TaskLatencySnapshot = LatencyStats & { readonly firstToken?: LatencyStats };

/** One model in a {@link RouterSnapshot}. */
export interface ModelStateSnapshot {
  readonly id: string;
  readonly inFlight: number;
  readonly queued: number;
  /** Requests in the admission queue whose best candidate is this model. */
  readonly waiting: number;
  readonly tokensInFlight: number;
  readonly concurrency: number;
  readonly maxTokens: number;
  readonly maxQueue: number;
  /** Per task type latency over the tracker's window, in milliseconds. */
  readonly tasks: Readonly<Record<string, TaskLatencySnapshot>>;
  /** Recent error rate, 0..1. */
  readonly errorRate: number;
  /** Recent completions per second. */
  readonly throughput: number;
  readonly health: HealthState;
  /** Answer quality reported with `reportQuality()`, 0..1, recent (NaN before any report). */
  readonly quality: number;
  /**
   * Until when the model cools down because its server said it is overloaded, in ms on the
   * router's clock (NaN when it is not cooling down).
   */
  readonly coolUntil: number;
  /** The last reading of the model's server load probe (undefined without a probe or before the first read). */
  readonly server: ProbeReading | undefined;
  /** Tokens its calls reported (`usage`, `ctx.reportUsage`) since it joined the router, summed. */
  readonly usage: TokenUsage;
}

/** A plain copy of the router's state, fresh on each call: for dashboards and tests. */
export interface RouterSnapshot {
  /** When, in milliseconds on the router's clock. */
  readonly at: number;
  readonly strategy: string;
  /** Requests in the admission queue. */
  readonly waiting: number;
  readonly maxWaiting: number;
  /** Requests accepted and not settled yet. */
  readonly pending: number;
  readonly closed: boolean;
  readonly models: readonly ModelStateSnapshot[];
  /**
   * Arrivals per task type: the recent rate and the tracker's forecast `horizonMs` ahead, in
   * requests per second (load prediction for dashboards and custom policies).
   */
  readonly arrivals: readonly TaskArrivalSnapshot[];
  /**
   * Live A/B figures per arm (see the router option `experiments`): the experiments in the order
   * given, then `control`. Empty without experiments.
   */
  readonly experiments: readonly ExperimentArmSnapshot[];
}

/** One arm of a live A/B experiment in a {@link RouterSnapshot}. */
export interface ExperimentArmSnapshot {
  /** `'control'` (the router's own strategy) or the experiment's name. */
  readonly name: string;
  /** The name of the strategy ranking its requests. */
  readonly strategy: string;
  /** The configured share of requests, 0..1 (control: what the experiments leave). */
  readonly share: number;
  /** The share of all requests given an arm so far that went to this one (NaN before any). */
  readonly observedShare: number;
  /** Requests accepted into this arm since the router started (forced ones included). */
  readonly requests: number;
  /** Requests that completed (a stream: that started). */
  readonly completed: number;
  /** Requests that failed. */
  readonly failed: number;
  /** Failed requests by `ZetaError` code, e.g. `{ TIMEOUT: 2 }`. */
  readonly errors: Readonly<Record<string, number>>;
  /**
   * End-to-end latency of completed requests (from `run()` to settling, waiting included; a
   * stream: to its first chunk) over the last 10 minutes, in milliseconds.
   */
  readonly latency: LatencyStats;
  /** Mean of the `reportQuality()` values attributed to this arm, 0..1 (NaN before any). */
  readonly quality: number;
  /** How many `reportQuality()` values were attributed to this arm. */
  readonly qualityReports: number;
}

/** One task type's arrivals in a {@link RouterSnapshot}. */
export interface TaskArrivalSnapshot {
  readonly task: TaskType;
  /** Requests of this type since the router started. */
  readonly total: number;
  /** Recent arrivals per second. */
  readonly rate: number;
  /** Expected arrivals per second `horizonMs` from now. */
  readonly forecast: number;
  /** Change of the rate, in requests per second per second. */
  readonly trend: number;
  /** How far ahead `forecast` looks, in milliseconds. */
  readonly horizonMs: number;
}
