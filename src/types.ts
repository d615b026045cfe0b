import type { ServerLoad } from './probe/ModelProbe.js';
/**
 * Shared vocabulary of zeta-router: task profiles, clocks and the read-only model states that
 * strategies see. Kept free of behaviour so every part can import it without cycles.
 */

/** The built-in task types. Any other string is a valid task type too. */
export type BuiltInTaskType = 'simple' | 'code' | 'embedding' | 'reasoning';

/** A task type: one of {@link BuiltInTaskType} or any string the app uses. */
export type TaskType = BuiltInTaskType | (string & {});

/** What a request asks of a model, as decided by the classifier or given per call. */
export interface TaskProfile {
  /** The task type, e.g. `'code'`. */
  readonly type: TaskType;
  /** How hard the request is, from 0 (trivial) to 1 (hardest). */
  readonly complexity: number;
  /** Estimated tokens (prompt plus expected output); counted against a model's token budget. */
  readonly tokens?: number;
  /** Admission priority: higher runs first among waiting requests. @default 0 */
  readonly priority?: number;
}

/** Real token counts of one call, as its server reported them (e.g. OpenAI's `usage`). */
export interface TokenUsage {
  /** Tokens of the prompt. */
  readonly promptTokens: number;
  /** Tokens the model generated. */
  readonly completionTokens: number;
}

/** What else is known about a finished call, for {@link LoadTracker.recordFinish}. */
export interface FinishDetails {
  /** The request's complexity, 0..1 (from its task profile). */
  readonly complexity?: number | undefined;
  /** The tokens the request was estimated at before the call (its task profile's `tokens`). */
  readonly estimatedTokens?: number | undefined;
  /** The real token counts, when the client reported them. */
  readonly usage?: TokenUsage | undefined;
}

/**
 * The time source of a router. Inject a virtual clock to test without sleeping and to simulate.
 * All times are in milliseconds.
 */
export interface Clock {
  /** The current time in milliseconds (monotonic within one router). */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer made by {@link Clock.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/** A source of uniform random numbers in [0, 1). Seed it to make routing reproducible. */
export type RandomSource = () => number;

/** Health of a model, as tracked by the router. */
export type HealthState =
  /** Serving normally. */
  | 'healthy'
  /** Serving, but with errors or latency drift: strategies penalise it. */
  | 'degraded'
  /** Not routed to until a cool-off passes; then one probe request at a time tests it (half-open). */
  | 'open';

/** Latency figures of one (model, task) pair over the tracker's sliding window, in milliseconds. */
export interface LatencyStats {
  /** Number of completed calls in the window. */
  readonly count: number;
  /** Mean latency in milliseconds (NaN when `count` is 0). */
  readonly mean: number;
  /** Median latency in milliseconds (NaN when `count` is 0). */
  readonly p50: number;
  /** 95th percentile latency in milliseconds (NaN when `count` is 0). */
  readonly p95: number;
  /** 99th percentile latency in milliseconds (NaN when `count` is 0). */
  readonly p99: number;
}

/**
 * What a tracker has learned of one (model, task type) for a request's complexity band, from
 * outcomes decayed with time (each weighs half as much after the tracker's `learnHalfLifeMs`), so
 * old evidence fades. Weights are decayed counts: how much evidence stands behind a figure. Figures
 * with no evidence are NaN.
 */
export interface LearnedStats {
  /** The complexity band of the request (0 .. bands - 1), or -1 when its complexity is unknown. */
  readonly band: number;
  /** Decayed count of successful calls of this band. */
  readonly bandWeight: number;
  /** Their mean latency, in milliseconds. */
  readonly bandMeanMs: number;
  /** Decayed count of failed calls of this band. */
  readonly bandFailures: number;
  /** Decayed count of successful calls of the task type, all bands. */
  readonly taskWeight: number;
  /** Their mean latency, in milliseconds. */
  readonly taskMeanMs: number;
  /** Decayed count of failed calls of the task type, all bands. */
  readonly taskFailures: number;
  /**
   * Mean reported quality, 0..1: of this band when it has reports, else of the model as a whole.
   */
  readonly quality: number;
  /** Decayed count of the quality reports behind `quality`. */
  readonly qualityWeight: number;
  /** Fixed latency of a call in the fit of latency on output tokens (real usage), in ms. */
  readonly tokenBaseMs: number;
  /** Milliseconds per output token in that fit (the decode cost). */
  readonly msPerOutputToken: number;
  /** Decayed count of calls with real usage behind the fit. */
  readonly tokenWeight: number;
  /**
   * The task type's token calibration: real output tokens per estimated token (the task profile's
   * `tokens`), over calls whose usage was reported. Multiply an estimate by it to predict output.
   */
  readonly outputPerEstimatedToken: number;
  /** Real tokens (prompt plus output) per estimated token, for the same calls. */
  readonly realPerEstimatedToken: number;
  /**
   * The model's speed across every task type it served: the geometric mean of its latencies over
   * the fleet's for the same task and band (0.5: twice as fast as the fleet; NaN before any call).
   * What a model showed on one task prices it on another it has not served yet.
   */
  readonly speed: number;
  /** Decayed count of the calls behind `speed`. */
  readonly speedWeight: number;
  /** The whole fleet's decayed mean latency for the task type, in milliseconds (NaN before any call). */
  readonly fleetMeanMs: number;
}

/**
 * One candidate model as a strategy sees it: a plain, read-only copy of its state at decision time.
 * Strategies must rank from these figures alone.
 */
export interface CandidateState {
  /** The model id. */
  readonly id: string;
  /** Whether this model is a home model of the task type (the original static table's choice). */
  readonly home: boolean;
  /** Maximum concurrent calls. */
  readonly concurrency: number;
  /** Calls running now. */
  readonly inFlight: number;
  /**
   * Calls running as a time-decayed mean over the last seconds (time constant 2 s): how busy the
   * model has been of late. Absent when the router did not say (a strategy then uses `inFlight`).
   */
  readonly meanInFlight?: number;
  /**
   * Whether the model is the only one serving some task type it serves (its traffic of that type
   * has nowhere else to go). Absent when the router did not say.
   */
  readonly soleServer?: boolean;
  /** Requests bound to this model's lane but not started yet. */
  readonly queued: number;
  /** Requests waiting in the router's admission queue whose best candidate is this model. */
  readonly waiting: number;
  /** Estimated tokens of the calls running or bound here. */
  readonly tokensInFlight: number;
  /** Token budget (Infinity when the model has none). */
  readonly maxTokens: number;
  /** Whether a request of this task could start here now (a free slot and token room). */
  readonly free: boolean;
  /** Relative cost of one call (arbitrary unit). */
  readonly cost: number;
  /** Latency of this model for this task type over the window. */
  readonly latency: LatencyStats;
  /**
   * Prior expected latency in milliseconds for this task, used until enough samples exist: the
   * model's `latencyPriorMs`, else the last window mean seen once its window has emptied (never its
   * live window, which is already in `latency`); undefined when neither exists.
   */
  readonly priorLatencyMs: number | undefined;
  /** Mean elapsed time of the calls running now, in milliseconds (0 when none run). */
  readonly inFlightMeanElapsedMs: number;
  /** Elapsed time of the oldest call running now, in milliseconds (0 when none run). */
  readonly inFlightMaxElapsedMs: number;
  /**
   * How far the calls running now have overrun their expected duration (each call's own task
   * type): the mean of elapsed / expected, 0 when none run. Well above 1, the model has turned
   * slow, and this is known before those calls finish.
   */
  readonly inFlightOverrun: number;
  /** Recent error rate of this model, 0..1 (exponentially weighted). */
  readonly errorRate: number;
  /** Recent completions per second of this model (exponentially weighted). */
  readonly throughput: number;
  /**
   * Health of this model. An `open` model is a candidate only once its cool-off has passed and no
   * probe runs (this request would be the probe); `degraded` ones are candidates.
   */
  readonly health: HealthState;
  /**
   * Whether this router has tried the model on the request's task type since the model joined: a
   * call of the type started on it (whatever came of it), or is bound to it and waiting to start.
   * False for a pair never tried here (a bound call that went back unstarted does not count).
   * Undefined from routers that do not keep count.
   */
  readonly taskTried?: boolean;
  /**
   * What the model's server last reported of its own load, when it has a probe and the last read
   * gave one. When it reaches the probe's `spillAt`, `free` is false.
   */
  readonly server?: ServerLoad;
  /**
   * What the tracker has learned of this model for the task type and the request's complexity
   * band (absent when the tracker does not learn, e.g. a custom one without `learned`).
   */
  readonly learned?: LearnedStats | undefined;
  /**
   * Mean time to first token of this model's streams of this task type over the window, in ms;
   * given for streamed requests only, when known.
   */
  readonly firstTokenMs?: number | undefined;
}

/** Everything a strategy may use to rank candidates. Same input, same output. */
export interface RoutingInput {
  /** The task being routed. */
  readonly task: TaskProfile;
  /** The capable models (never empty). */
  readonly candidates: readonly CandidateState[];
  /** Decision time in milliseconds, from the router's clock. */
  readonly now: number;
  /** Seeded randomness for tie-breaking and sampling. */
  readonly random: RandomSource;
  /** Arrivals of the task type (rate and forecast), when the tracker tracks them. */
  readonly arrivals?: {
    /** Recent arrival rate, in requests per second. */
    readonly rate: number;
    /** Expected arrival rate `horizonMs` ahead, in requests per second. */
    readonly forecast: number;
    /** How fast the arrival rate is changing, in requests per second per second. */
    readonly trend: number;
    /** How far ahead the forecast looks, in milliseconds. */
    readonly horizonMs: number;
  };
  /** Whether the request is streamed (`router.stream`): its caller waits for the first chunk. */
  readonly streaming?: boolean;
  /**
   * Whether the candidates come from a large fleet: more models serve the task than the router's
   * `sampleSize` (so `candidates` are a sample, power of d choices), or more than 32 (ranked whole
   * when `sampleSize` is that high, or by `explain()`). Most models of such a fleet are little
   * known to any one decision, and the home table names a class of models rather than a chosen few.
   */
  readonly largeFleet?: boolean;
  /**
   * Whether the request is routed again after an attempt failed (the models it tried are left
   * out of `candidates`): its caller has already waited, so it is no time to try the unknown.
   */
  readonly retry?: boolean;
}

/** One ranked candidate: lower `score` is better. */
export interface ScoredCandidate {
  /** The model id. */
  readonly id: string;
  /** The score; lower is better. For `adaptive`, the expected completion time in milliseconds. */
  readonly score: number;
  /** Named parts of the score (e.g. `waitMs`, `serviceMs`), for `explain()`. */
  readonly components: Readonly<Record<string, number>>;
  /** Human-readable reasons, for `explain()`. */
  readonly reasons: readonly string[];
}
