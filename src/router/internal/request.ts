import type { FailedAttempt, ZetaError } from '../../errors/ZetaError.js';
import type { LaneTicket } from '../../lane/Lane.js';
import type { TaskProfile } from '../../types.js';
import type { Decision } from '../events.js';
import type { RunInfo } from '../results.js';
import type { ModelEntry } from '../stages/fleet.js';
import type { LazyAbort } from './LazyAbort.js';

/** What one model call came to, handed from the lane slot to the request once the slot is free. */
export type CallOutcome<Res> =
  | { readonly ok: true; readonly result: Res; readonly latencyMs: number; readonly end: number }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly latencyMs: number;
      readonly end: number;
    }
  /** The slot came up on a model that opened or was removed meanwhile: route the request again. */
  | typeof REROUTE
  /** The call ignored its abort past the grace period: its slot was released without it. */
  | typeof HUNG;

export const REROUTE = Symbol('reroute');
export const HUNG = Symbol('hung');

/** One model call of a request, from binding to its outcome. */
export interface CallState {
  readonly abort: LazyAbort;
  readonly model: string;
  /** When the call started in its slot (NaN while queued). */
  start: number;
  /** Set when the slot was released without the call: its late outcome is dropped. */
  hung: boolean;
  /** The grace timer started when the request gave up on a running call. */
  graceTimer: unknown;
  /** Its lane ticket (kept while running, to release a call that never settles). */
  ticket: LaneTicket<CallOutcome<unknown> | undefined> | undefined;
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
  /** Whether the caller wants the RunInfo (`runWithInfo`) or just the result (`run`). */
  readonly wantInfo: boolean;
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
  /** Models that failed it: not tried again. */
  tried: Set<string> | undefined;
  decision: Decision | undefined;
  /** Set while it waits in the admission queue. */
  wait: WaitTicket<Req, Res> | undefined;
  /** Set while it is bound to a lane and has not started. */
  ticket: LaneTicket<CallOutcome<Res> | undefined> | undefined;
  /** Set from binding until its call's outcome is handled. */
  call: CallState | undefined;
  /** Time spent waiting for slots so far, in milliseconds. */
  queuedMs: number;
  /** When its current wait for a slot began. */
  waitStart: number;
  timer: unknown;
  cleanupSignal: (() => void) | undefined;
}
