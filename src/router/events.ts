import type { ZetaError } from '../errors/ZetaError.js';
import type { HealthChange } from '../health/HealthMonitor.js';
import type { ScoredCandidate, TaskProfile, TokenUsage } from '../types.js';

/** A model left out of a decision, and why. */
export interface ExcludedModel {
  /** The model id. */
  readonly id: string;
  /** Why it could not take the request, e.g. `"does not serve 'embedding'"`. */
  readonly reason: string;
}

/**
 * Why a request went where it went: the record `explain()` returns, and the one events and
 * `runWithInfo()` carry as made at dispatch.
 */
export interface Decision {
  /** The request id (`-1` for `explain()`). */
  readonly requestId: number;
  /** Decision time, in milliseconds on the router's clock. */
  readonly at: number;
  /** The strategy's name. */
  readonly strategy: string;
  /** The task profile routed by. */
  readonly task: TaskProfile;
  /** The strategy's ranking of the candidates, best first, with scores and their components. */
  readonly ranking: readonly ScoredCandidate[];
  /** Capable models the strategy left out of its ranking. */
  readonly unranked: readonly string[];
  /** Models that could not take the request, with the reason. */
  readonly excluded: readonly ExcludedModel[];
  /** How many capable models were not looked at (sampling in large fleets; 0 otherwise). */
  readonly notSampled: number;
  /** The model bound, or `undefined` while the request waits for any ranked model to free up. */
  readonly model: string | undefined;
  /**
   * `start`: a free slot; `queue`: the model's own queue (it beat every free model); `wait`: the
   * request waited in the admission queue and was bound late to `model` (undefined while it waits);
   * `none`: no capable model.
   */
  readonly binding: 'start' | 'queue' | 'wait' | 'none';
  /** Whether the bound model is not a home model of the task type (a spill). */
  readonly spilled: boolean;
  /**
   * The experiment arm whose strategy ranked (`'control'` or an experiment's name); absent without
   * `experiments`.
   */
  readonly experiment?: string;
}

/** Payload of `decision`: a request was ranked (also for each retry). */
export interface DecisionEvent {
  readonly requestId: number;
  /** 1 for the first attempt, 2 for the first retry... */
  readonly attempt: number;
  readonly decision: Decision;
}

/** Payload of `dispatch`: a call is about to start on a model. */
export interface DispatchEvent {
  readonly requestId: number;
  readonly model: string;
  readonly task: TaskProfile;
  readonly attempt: number;
  /** Time spent waiting so far, in milliseconds. */
  readonly queuedMs: number;
  /** Whether the model is not a home model of the task type. */
  readonly spilled: boolean;
  readonly decision: Decision;
}

/** Payload of `complete`: a request succeeded (a stream: when it ended, see `stream`). */
export interface CompleteEvent {
  readonly requestId: number;
  readonly model: string;
  readonly task: TaskProfile;
  readonly attempts: number;
  /** Time spent waiting for slots, in milliseconds. */
  readonly queuedMs: number;
  /** Duration of the successful call, in milliseconds. */
  readonly latencyMs: number;
  /** From `run()` to settling, in milliseconds. */
  readonly totalMs: number;
  /** The request's experiment arm; absent without `experiments`. */
  readonly experiment?: string;
  /** The real token counts of the successful call, when its client reported them. */
  readonly usage?: TokenUsage;
  /**
   * Set for a stream (`router.stream()`), whose `complete` comes when the stream ends (its request
   * settled at the first chunk): then `latencyMs` is the whole call, `totalMs` runs to the end.
   */
  readonly stream?: CompletedStream;
}

/** How a stream that completed ended. */
export interface CompletedStream {
  /** From the serving call's start to its first chunk, in milliseconds. */
  readonly ttftMs: number;
  /** Whether its consumer stopped it (`break`, `return()`, its signal) before its last chunk. */
  readonly cancelled: boolean;
}

/**
 * Payload of `usage`: a call's client reported its real token counts (a model's `usage(result)`
 * or `ctx.reportUsage`), for runs and streams alike; emitted when the call ends, before
 * `complete`.
 */
export interface UsageEvent {
  readonly requestId: number;
  readonly model: string;
  readonly task: TaskProfile;
  readonly attempt: number;
  readonly usage: TokenUsage;
}

/** Payload of `fail`: one model call threw. */
export interface FailEvent {
  readonly requestId: number;
  readonly model: string;
  readonly task: TaskProfile;
  readonly attempt: number;
  readonly error: unknown;
  /** Duration of the failed call, in milliseconds. */
  readonly latencyMs: number;
  /** Whether the request will be tried on another model. */
  readonly willRetry: boolean;
}

/**
 * Payload of `overflow`: every home model of the task type was full, so the request spilled to
 * another model (`model` set), or no ranked model could start it and it waits in the admission
 * queue (`model` undefined). A spill for other reasons (a home model that cannot serve this request,
 * or a strategy preferring another model while home had room) emits no `overflow`: count spills
 * from `dispatch.spilled`.
 */
export interface OverflowEvent {
  readonly requestId: number;
  readonly task: TaskProfile;
  /** The home models of the task type that had no free slot (may be empty when the request waits). */
  readonly home: readonly string[];
  /** The model it spilled to, or `undefined` when it waits in the admission queue. */
  readonly model: string | undefined;
  /** Requests in the admission queue, this one included when it waits. */
  readonly waiting: number;
}

/**
 * Payload of `reject`: `run()` rejected; or a stream broke after its first chunk (its request
 * settled then, and its consumer gets this `error` from the iterator).
 */
export interface RejectEvent {
  readonly requestId: number;
  readonly task: TaskProfile | undefined;
  readonly error: ZetaError;
  /** The request's experiment arm; absent without `experiments` or when refused before it had one. */
  readonly experiment?: string;
}

/**
 * Payload of `hung`: a call went on past its request's timeout or abort by `abortGraceMs` without
 * settling (it ignored its `ctx.signal`). Its slot was released, and it counts as a failure of the
 * model; whatever it returns later is dropped.
 */
export interface HungEvent {
  readonly requestId: number;
  readonly model: string;
  readonly task: TaskProfile;
  /** How long the call had held its slot, in milliseconds. */
  readonly heldMs: number;
  /** The grace it was given after the timeout or abort, in milliseconds. */
  readonly graceMs: number;
}

/** Payload of `firstToken`: a stream started (its first chunk came). */
export interface FirstTokenEvent {
  readonly requestId: number;
  readonly model: string;
  readonly task: TaskProfile;
  /** From the call's start to its first chunk, in milliseconds. */
  readonly ttftMs: number;
}

/** Payload of `health`: a model's health changed. */
export type HealthEvent = HealthChange;

/**
 * Payload of `close`: `close()` has finished (every accepted request settled, no timer of the
 * router's left). Emitted once, however often `close()` is called; integrations release what they
 * registered for the router here.
 */
export interface CloseEvent {
  /** When, in milliseconds on the router's clock. */
  readonly at: number;
}

/** Every event of {@link ZetaDynamicRouter}, by name. */
export interface RouterEvents {
  decision: (event: DecisionEvent) => void;
  dispatch: (event: DispatchEvent) => void;
  complete: (event: CompleteEvent) => void;
  fail: (event: FailEvent) => void;
  overflow: (event: OverflowEvent) => void;
  reject: (event: RejectEvent) => void;
  health: (event: HealthEvent) => void;
  hung: (event: HungEvent) => void;
  firstToken: (event: FirstTokenEvent) => void;
  usage: (event: UsageEvent) => void;
  close: (event: CloseEvent) => void;
}
