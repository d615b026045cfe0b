import type { FailedAttempt, ZetaError } from '../../errors/ZetaError.js';
import type { LaneJobTicket } from '../../lane/Lane.js';
import type { TaskProfile } from '../../types.js';
import type { Decision } from '../events.js';
import type { RunInfo } from '../results.js';
import type { Arm } from '../stages/experiments.js';
import type { ModelEntry } from '../stages/fleet.js';
import type { LazyAbort } from './LazyAbort.js';

/** The slot came up on a model that opened or was removed meanwhile: route the request again. */
export const REROUTE = Symbol('reroute');
/** The call ignored its abort past the grace period: its slot was released without it. */
export const HUNG = Symbol('hung');
/** The slot came up for a request that had already settled: nothing was called. */
export const SKIPPED = Symbol('skipped');

/** One model call of a request, from binding to its outcome (see `stages/attempt.ts`). */
export interface CallState extends Pick<LazyAbort, 'abort' | 'aborted' | 'reason' | 'signal'> {
  readonly model: string;
  /** When the call started in its slot (NaN while queued). */
  startedAt: number;
  /** Set when the slot was released without the call: its late outcome is dropped. */
  hung: boolean;
  /** The grace timer started when the request gave up on a running call. */
  graceTimer: unknown;
  /** Its lane job (to cancel it while queued, or release a call that never settles). */
  readonly ticket: LaneJobTicket<unknown> | undefined;
}

/** A request the router is waiting with: the models it may bind to, in the admission queue. */
export interface WaitTicket<Req, Res> {
  readonly request: RouterRequest<Req, Res>;
  /** The ranked models it may bind to (ids). */
  readonly accept: Set<string>;
  /** The model its wait counts against (`maxQueue`); the first ranked one still there. */
  firstChoice: ModelEntry<Req, Res> | undefined;
  /** False once it stopped waiting: wait lists drop it lazily. */
  live: boolean;
}

/** Everything the router holds for one accepted `run()` until it settles. */
export interface RouterRequest<Req, Res> {
  readonly id: number;
  readonly req: Req;
  /** Arrival time on the router's clock, in milliseconds. */
  readonly arrival: number;
  /**
   * Whether the caller wants the RunInfo (`runWithInfo`, or a stream served whole) or just the
   * result (`run`).
   */
  wantInfo: boolean;
  /**
   * Whether the request is a stream (`router.stream()`): it settles when the stream starts.
   * Cleared when it is served whole by a call (`callIfNoStream`).
   */
  streaming: boolean;
  /**
   * A stream that no model can serve as one (none capable of it can stream) is served whole by a
   * call instead (`callIfNoStream`).
   */
  callIfNoStream: boolean;
  /** The caller's signal, if any (a started stream keeps listening to it). */
  readonly signal: AbortSignal | undefined;
  readonly resolve: (value: Res | RunInfo<Res>) => void;
  readonly reject: (error: ZetaError) => void;
  /** Admission priority (higher first). */
  priority: number;
  profile: TaskProfile | undefined;
  tokens: number;
  settled: boolean;
  /** Calls started so far (the current one included). */
  attempt: number;
  readonly attempts: FailedAttempt[];
  /** Attempts that failed because their model was overloaded (they do not use up `maxAttempts`). */
  overloads: number;
  /** Models that failed it: not tried again. */
  tried: Set<string> | undefined;
  decision: Decision | undefined;
  /** Set while it waits in the admission queue. */
  wait: WaitTicket<Req, Res> | undefined;
  /** Set from binding until its call's outcome is handled. */
  call: CallState | undefined;
  /** Time spent waiting for slots so far, in milliseconds. */
  queuedMs: number;
  /** When its current wait for a slot began. */
  waitStart: number;
  timer: unknown;
  cleanupSignal: (() => void) | undefined;
  /** Its experiment arm; undefined without `experiments`. */
  readonly arm: Arm | undefined;
}
