import type { CapacityLease } from '../../capacity/CapacityCoordinator.js';
import type { LaneJobTicket, LaneWork } from '../../lane/Lane.js';
import type { TaskProfile, TokenUsage } from '../../types.js';
import { LazyAbort } from '../internal/LazyAbort.js';
import type { CallState, RouterRequest } from '../internal/request.js';
import { readUsage } from '../internal/usage.js';
import type { CallContext } from '../options.js';
import type { ModelEntry } from './fleet.js';

/** What runs a {@link Call}: the attempt stage. */
export interface CallOwner<Req, Res> {
  invoke(call: Call<Req, Res>): unknown;
  record(call: Call<Req, Res>, ok: boolean, value: unknown): void;
  after(call: Call<Req, Res>, ok: boolean, value: unknown, cancelled: boolean): void;
}

/**
 * One model call of a request: its abort signal (made lazily), and the lane work that runs it in
 * a slot. One object per call carries all of it, so an attempt allocates little.
 */
export class Call<Req, Res> extends LazyAbort implements CallState, LaneWork<unknown> {
  startedAt = Number.NaN;
  hung = false;
  graceTimer: unknown = undefined;
  /** Set while this call is an open model's probe: a probe that runs too long counts as failed. */
  probeTimer: unknown = undefined;
  ticket: LaneJobTicket<unknown> | undefined = undefined;
  /** The call's end on the router's clock and its duration (set when it settles). */
  end = Number.NaN;
  latencyMs = Number.NaN;
  /** The real token counts: reported by the client while the call runs, read from its result at the end. */
  usage: TokenUsage | undefined = undefined;
  /** Set when this call's stream handed its first chunk to the caller: the time it took, in ms. */
  ttftMs = Number.NaN;
  /** The capacity lease the call holds (with a coordinator, from its start until it settles). */
  lease: CapacityLease | undefined = undefined;
  /** Set while the call waits for the coordinator's answer (it holds its slot, nothing runs yet). */
  acquiring = false;
  /** Whether the call counts in its model's `triedTasks` until it starts or goes back unstarted. */
  countedTry = false;

  constructor(
    readonly attempts: CallOwner<Req, Res>,
    readonly request: RouterRequest<Req, Res>,
    readonly entry: ModelEntry<Req, Res>,
    readonly number: number,
  ) {
    super();
  }

  get model(): string {
    return this.entry.model.id;
  }

  start(): unknown {
    return this.attempts.invoke(this);
  }

  settled(ok: boolean, value: unknown): void {
    this.attempts.record(this, ok, value);
  }

  done(ok: boolean, value: unknown, cancelled: boolean): void {
    this.attempts.after(this, ok, value, cancelled);
  }
}

/** What a model call receives: one per call, its methods on the prototype. */
export class Context<Req, Res> implements CallContext {
  readonly #call: Call<Req, Res>;
  readonly model: string;
  readonly task: TaskProfile;
  readonly attempt: number;
  readonly requestId: number;

  constructor(call: Call<Req, Res>) {
    this.#call = call;
    this.model = call.entry.model.id;
    this.task = call.request.profile!;
    this.attempt = call.number;
    this.requestId = call.request.id;
  }

  get signal(): AbortSignal {
    return this.#call.signal;
  }

  reportUsage(usage: TokenUsage): void {
    const call = this.#call;
    if (!Number.isNaN(call.end)) return; // the call has ended: too late to count
    const read = readUsage(usage);
    if (read !== undefined) call.usage = read;
  }
}
