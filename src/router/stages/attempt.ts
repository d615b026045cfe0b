import { ZetaError, type ZetaErrorCode } from '../../errors/ZetaError.js';
import type { TaskType } from '../../types.js';
import { LazyAbort } from '../internal/LazyAbort.js';
import {
  type CallOutcome,
  type CallState,
  HUNG,
  REROUTE,
  type RouterRequest,
} from '../internal/request.js';
import type { CallContext } from '../options.js';
import type { Stages } from './context.js';
import { exclusion } from './decide.js';
import type { ModelEntry } from './fleet.js';

type Finished<Res> = Exclude<CallOutcome<Res>, typeof REROUTE | typeof HUNG | undefined>;

/**
 * The attempt stage: one call through a model's lane (its p-queue), with the request's timeout
 * and abort, then a retry on the next ranked model where allowed. A call that ignores its abort
 * keeps its slot for at most `graceMs` after the request gave up; then the slot is released, the
 * call counts as a failure of its model and a `hung` event says so.
 */
export class Attempts<Req, Res> {
  readonly #s: Stages<Req, Res>;
  readonly #maxAttempts: number;
  readonly #graceMs: number;
  /** The time of the binding in progress (NaN outside `dispatch`). */
  #bindingAt = Number.NaN;

  constructor(stages: Stages<Req, Res>, maxAttempts: number, graceMs: number) {
    this.#s = stages;
    this.#maxAttempts = maxAttempts;
    this.#graceMs = graceMs;
  }

  /**
   * Binds `p` to `e`'s lane: the call starts when a slot is free. `now` is the router's time of
   * the binding; a call that starts at once (in the bind) starts then, without another clock read.
   */
  dispatch(p: RouterRequest<Req, Res>, e: ModelEntry<Req, Res>, now: number): void {
    const s = this.#s;
    const attempt = ++p.attempt;
    const call: CallState = {
      abort: new LazyAbort(),
      model: e.model.id,
      start: Number.NaN,
      hung: false,
      graceTimer: undefined,
      ticket: undefined,
    };
    p.call = call;
    const type = p.profile!.type;
    this.#bindingAt = now;
    const ticket = e.lane.bind(
      p.tokens,
      () => this.#invoke(p, e, call, attempt),
      p.priority,
      s.decider.expectedMs(e, type, now),
    );
    this.#bindingAt = Number.NaN;
    p.ticket = ticket;
    call.ticket = ticket;
    // `done` settles after the lane has released the slot, so a caller that awaits run() and then
    // routes again sees the model free. It resolves undefined for a ticket cancelled while queued.
    ticket.done.then(
      (outcome) => this.#after(p, e, call, outcome, attempt),
      (error: unknown) => s.settlement.bookkeepingFailed(p, e, error),
    );
  }

  /** Runs one call in the lane's slot and records it; the slot is held until this settles. */
  async #invoke(
    p: RouterRequest<Req, Res>,
    e: ModelEntry<Req, Res>,
    call: CallState,
    attempt: number,
  ): Promise<CallOutcome<Res> | undefined> {
    p.ticket = undefined;
    if (p.settled) return undefined;
    const s = this.#s;
    const type = p.profile!.type;
    // Started inside the bind (a free slot): the binding's time is the start time.
    const start = Number.isNaN(this.#bindingAt) ? s.now() : this.#bindingAt;
    // Bound while the model was healthy (or still in the fleet), started after it opened or was
    // removed: do not call it (unless this is the probe its cool-off now allows); route again.
    if (e.removed || (e.health !== undefined && !e.health.canRoute(start))) return REROUTE;
    p.queuedMs += start - p.waitStart;
    call.start = start;
    s.observer.started(e, type, start);
    if (s.observer.listening('dispatch')) {
      s.observer.notify('dispatch', {
        requestId: p.id,
        model: e.model.id,
        task: p.profile!,
        attempt,
        queuedMs: p.queuedMs,
        spilled: p.decision!.spilled,
        decision: p.decision!,
      });
    }
    const ctx: CallContext = {
      get signal() {
        return call.abort.signal;
      },
      model: e.model.id,
      task: p.profile!,
      attempt,
      requestId: p.id,
    };
    try {
      const result = await e.model.call(p.req, ctx);
      const end = s.now();
      this.#record(e, type, call, true, end - start, end);
      return { ok: true, result, latencyMs: end - start, end };
    } catch (error) {
      const end = s.now();
      this.#record(e, type, call, false, end - start, end);
      return { ok: false, error, latencyMs: end - start, end };
    }
  }

  /** Feeds a finished call to the tracker and the health monitor. */
  #record(
    e: ModelEntry<Req, Res>,
    type: TaskType,
    call: CallState,
    ok: boolean,
    latencyMs: number,
    end: number,
  ): void {
    this.#clearGrace(call);
    if (call.hung) return; // counted as a failure when its slot was released
    const o = this.#s.observer;
    const reason = call.abort.reason;
    const timedOut = reason instanceof ZetaError && reason.code === 'TIMEOUT';
    // The caller gave up: a cut-short or late outcome says nothing about the model. A timed-out
    // call does (it was too slow), so it counts.
    if (call.abort.aborted && !timedOut) o.abandoned(e, type, end);
    else o.finished(e, type, ok, latencyMs, end);
  }

  /** Settles the request after its call returned and the slot was released, or retries it. */
  #after(
    p: RouterRequest<Req, Res>,
    e: ModelEntry<Req, Res>,
    call: CallState,
    outcome: CallOutcome<Res> | undefined,
    attempt: number,
  ): void {
    if (p.call === call) p.call = undefined;
    if (outcome === undefined || outcome === HUNG) return;
    if (outcome === REROUTE) {
      p.attempt--;
      this.#s.admission.route(p);
      return;
    }
    if (p.settled) return;
    if (outcome.ok) {
      this.#s.settlement.complete(p, e, outcome, attempt);
      return;
    }
    this.#failed(p, e, outcome, attempt);
  }

  #failed(
    p: RouterRequest<Req, Res>,
    e: ModelEntry<Req, Res>,
    outcome: Finished<Res> & { ok: false },
    attempt: number,
  ): void {
    const s = this.#s;
    const task = p.profile!;
    const { error, latencyMs } = outcome;
    p.attempts.push({ model: e.model.id, error, latencyMs });
    p.tried ??= new Set();
    p.tried.add(e.model.id);
    const now = s.now();
    const willRetry =
      p.attempts.length < this.#maxAttempts &&
      s.fleet
        .serving(task.type)
        .some((other) => exclusion(other, task, p.tokens, p.tried, now) === undefined);
    if (s.observer.listening('fail')) {
      s.observer.notify('fail', {
        requestId: p.id,
        model: e.model.id,
        task,
        attempt,
        error,
        latencyMs,
        willRetry,
      });
      if (p.settled) return; // a listener aborted it
    }
    if (!willRetry) {
      s.settlement.failModel(p);
      return;
    }
    p.waitStart = now;
    s.admission.route(p, now);
  }

  /**
   * Timeout or abort: the request settles now. A queued call is cancelled; a running one is
   * aborted and keeps its slot until it returns, or until `graceMs` passes.
   */
  giveUp(
    p: RouterRequest<Req, Res>,
    code: ZetaErrorCode,
    message: string,
    limits: Record<string, number>,
    cause?: unknown,
  ): void {
    if (p.settled) return;
    const error = new ZetaError(
      code,
      message,
      { requestId: p.id, ...(p.profile ? { task: p.profile.type } : {}), limits },
      { cause },
    );
    if (p.ticket?.cancel()) p.ticket = undefined;
    const call = p.call;
    if (call !== undefined) {
      call.abort.abort(error);
      if (Number.isFinite(call.start)) this.#startGrace(p, call);
    }
    this.#s.settlement.reject(p, error);
  }

  #startGrace(p: RouterRequest<Req, Res>, call: CallState): void {
    const s = this.#s;
    const type = p.profile!.type;
    call.graceTimer = s.clock.setTimeout(() => {
      call.graceTimer = undefined;
      const e = s.fleet.get(call.model);
      if (call.ticket === undefined || !call.ticket.release(HUNG)) return;
      call.hung = true;
      const now = s.now();
      if (e !== undefined) s.observer.hung(e, type, now);
      if (s.observer.listening('hung')) {
        s.observer.notify('hung', {
          requestId: p.id,
          model: call.model,
          task: p.profile!,
          heldMs: now - call.start,
          graceMs: this.#graceMs,
        });
      }
    }, this.#graceMs);
  }

  #clearGrace(call: CallState): void {
    if (call.graceTimer === undefined) return;
    this.#s.clock.clearTimeout(call.graceTimer);
    call.graceTimer = undefined;
  }
}
