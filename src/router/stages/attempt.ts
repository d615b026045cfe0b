import type { CapacityCoordinator, CapacityLease } from '../../capacity/CapacityCoordinator.js';
import { describeError } from '../../errors/describeError.js';
import { modelCallFailure } from '../../errors/ModelCallError.js';
import { ZetaError, type ZetaErrorCode } from '../../errors/ZetaError.js';
import type { TokenUsage } from '../../types.js';
import { HUNG, REROUTE, type RouterRequest, SKIPPED } from '../internal/request.js';
import { usageOf } from '../internal/usage.js';
import type { CallContext } from '../options.js';
import { Call, Context } from './call.js';
import type { Stages } from './context.js';
import { exclusion } from './decide.js';
import { bindTried, type ModelEntry, settleTried } from './fleet.js';
import { giveBack, requestLease } from './lease.js';
import { StreamHandle, streamBroke } from './stream.js';

/** What a finished stream's slot holder resolves with (the chunks went to the consumer). */
const STREAM_DONE = Symbol('stream done');

/** An iterable with nothing in it: a stream whose model sent no chunk. */
function emptyStream(): AsyncIterableIterator<never> {
  return {
    next: async () => ({ value: undefined as never, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** First cool-down of a model whose server said it is overloaded without saying for how long, in ms. */
export const OVERLOAD_BACKOFF_MS = 1000;
/** The longest cool-down after an overload, in ms (a `Retry-After` beyond it is cut to it). */
export const MAX_COOL_DOWN_MS = 60_000;

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
    const call = new Call(this, p, e, ++p.attempt);
    p.call = call;
    call.countedTry = bindTried(e, p.profile!.type);
    this.#bindingAt = now;
    call.ticket = e.lane.bindWork(
      p.tokens,
      call,
      p.priority,
      this.#s.decider.expectedMs(e, p.profile!.type, now),
    );
    this.#bindingAt = Number.NaN;
  }

  /** @internal The call's slot came up: calls the model (what it returns holds the slot). */
  invoke(call: Call<Req, Res>): unknown {
    const p = call.request;
    const e = call.entry;
    if (p.settled) return SKIPPED;
    const s = this.#s;
    // Started inside the bind (a free slot): the binding's time is the start time.
    const start = Number.isNaN(this.#bindingAt) ? s.now() : this.#bindingAt;
    // Bound while the model was healthy (or still in the fleet), started after it opened or was
    // removed: do not call it (unless this is the probe its cool-off now allows); route again.
    if (this.#cannotStart(e, start)) return REROUTE;
    if (s.capacity !== undefined) return this.#lease(call, s.capacity, start);
    return this.#begin(call, start);
  }

  #cannotStart(e: ModelEntry<Req, Res>, at: number): boolean {
    return e.removed || at < e.coolUntil || (e.health !== undefined && !e.health.canRoute(at));
  }

  /**
   * Asks the coordinator for the call's lease, then calls the model (see {@link requestLease}).
   */
  #lease(call: Call<Req, Res>, capacity: CapacityCoordinator, start: number): unknown {
    const s = this.#s;
    return requestLease(
      capacity,
      s.clock,
      call.entry.model,
      call.request.tokens,
      call,
      (lease, async) => this.#leased(call, lease, async ? s.now() : start),
    );
  }

  /** The coordinator answered: call the model with the lease, or go back to routing without one. */
  #leased(call: Call<Req, Res>, lease: CapacityLease | undefined, start: number): unknown {
    const p = call.request;
    const e = call.entry;
    if (p.settled || call.aborted) {
      if (lease !== undefined) this.#giveBack(lease);
      return SKIPPED;
    }
    if (lease === undefined) {
      // Full across the routers sharing it: busy here too until the coordinator says otherwise.
      e.sharedFull = true;
      return REROUTE;
    }
    if (this.#cannotStart(e, start)) {
      this.#giveBack(lease);
      return REROUTE;
    }
    call.lease = lease;
    return this.#begin(call, start);
  }

  /** Gives the call's lease back, once (when its model call settled or its slot was released). */
  #dropLease(call: Call<Req, Res>): void {
    const lease = call.lease;
    if (lease === undefined) return;
    call.lease = undefined;
    this.#giveBack(lease);
  }

  #giveBack(lease: CapacityLease): void {
    giveBack(this.#s.capacity, lease);
  }

  /** The call started, or ended unstarted: it no longer counts in its model's `triedTasks`. */
  #settleTry(call: Call<Req, Res>, started: boolean): void {
    if (!call.countedTry) return;
    call.countedTry = false;
    settleTried(call.entry, call.request.profile!.type, started);
  }

  /** The model call proper, at `start`, in the call's slot (and with its lease, if any). */
  #begin(call: Call<Req, Res>, start: number): unknown {
    const p = call.request;
    const e = call.entry;
    const s = this.#s;
    p.queuedMs += start - p.waitStart;
    call.startedAt = start;
    this.#settleTry(call, true);
    if (e.health?.state === 'open') this.#startProbeDeadline(call);
    s.observer.started(e, p.profile!.type, start);
    if (s.observer.listening('dispatch')) {
      s.observer.notify('dispatch', {
        requestId: p.id,
        model: e.model.id,
        task: p.profile!,
        attempt: call.number,
        queuedMs: p.queuedMs,
        spilled: p.decision!.spilled,
        decision: p.decision!,
      });
    }
    const ctx = new Context(call);
    if (p.streaming) return this.#openStream(call, ctx);
    return e.model.call(p.req, ctx);
  }

  /**
   * A streaming call: the slot is held until the stream ends. Until its first chunk it is like any
   * call (it may time out, fail over); at the first chunk the request settles with the consumer's
   * side of the stream, and a `firstToken` event says how long it took.
   */
  #openStream(call: Call<Req, Res>, ctx: CallContext): Promise<unknown> {
    const p = call.request;
    const e = call.entry;
    const s = this.#s;
    return new Promise<unknown>((hold, fail) => {
      const open = async (): Promise<void> => {
        const iterable = await e.model.stream!(p.req, ctx);
        const upstream = iterable[Symbol.asyncIterator]();
        const first = await upstream.next();
        if (p.settled || first.done) {
          // Timed out or aborted meanwhile, or an empty stream: nothing to hand over.
          if (!first.done) void Promise.resolve(upstream.return?.()).catch(() => undefined);
          if (!p.settled) {
            // An empty stream: handed over (done at once), and it ends like any other.
            call.ttftMs = s.now() - call.startedAt;
            s.settlement.streamStarted(p, emptyStream());
          }
          hold(STREAM_DONE);
          return;
        }
        const at = s.now();
        if (call.probeTimer !== undefined) {
          // A streamed probe is judged by its first chunk: the model answers; the rest may run long.
          s.clock.clearTimeout(call.probeTimer);
          call.probeTimer = undefined;
          e.health?.onFirstChunk(at);
          s.admission.pump(e);
        }
        const ttftMs = at - call.startedAt;
        s.observer.tracker.recordFirstToken?.(e.model.id, p.profile!.type, ttftMs, at);
        if (s.observer.listening('firstToken')) {
          s.observer.notify('firstToken', {
            requestId: p.id,
            model: e.model.id,
            task: p.profile!,
            ttftMs,
          });
        }
        call.ttftMs = ttftMs;
        const info = {
          model: e.model.id,
          task: p.profile!,
          attempts: call.number,
          queuedMs: p.queuedMs,
          ttftMs,
        };
        const handle = new StreamHandle(first.value, upstream, info, p.id, p.signal, (end) => {
          if (!end.ok) {
            fail(end.error);
            return;
          }
          if (end.cancelled)
            call.abort(new ZetaError('ABORTED', 'The stream was closed by its consumer.'));
          hold(STREAM_DONE);
        });
        s.settlement.streamStarted(p, handle);
      };
      open().catch(fail);
    });
  }

  /** @internal The call settled (before its slot is released): feeds the tracker and health. */
  record(call: Call<Req, Res>, ok: boolean, value: unknown): void {
    // Given back before the slot frees, so the next call of this router can take it.
    this.#dropLease(call);
    if (Number.isNaN(call.startedAt)) return; // skipped or rerouted: nothing was called
    const end = this.#s.now();
    call.end = end;
    call.latencyMs = end - call.startedAt;
    this.#clearTimers(call);
    const e = call.entry;
    const profile = call.request.profile!;
    const type = profile.type;
    const o = this.#s.observer;
    const reason = call.reason;
    const timedOut = reason instanceof ZetaError && reason.code === 'TIMEOUT';
    const failure = ok ? undefined : modelCallFailure(value);
    if (failure?.kind === 'overloaded') this.#coolDown(e, failure.retryAfterMs, end);
    else if (ok) e.overloads = 0;
    // The caller gave up: a cut-short or late outcome says nothing about the model. A timed-out
    // call does (it was too slow), so it counts. Neither does an overload or a request the model
    // refused for what it was: the model is not sick.
    const read = e.model.usage;
    const usage =
      call.usage ??
      (ok && read !== undefined && !call.request.streaming ? usageOf(read, value) : undefined);
    if (usage !== undefined) this.#used(call, usage);
    if ((call.aborted && !timedOut) || (failure !== undefined && failure.kind !== 'unavailable'))
      o.abandoned(e, type, end);
    else
      o.finished(e, type, ok, call.latencyMs, end, {
        complexity: profile.complexity,
        estimatedTokens: profile.tokens,
        usage,
      });
  }

  /** A call reported its token usage: the model's totals and the `usage` event. */
  #used(call: Call<Req, Res>, usage: TokenUsage): void {
    call.usage = usage;
    const e = call.entry;
    e.promptTokens += usage.promptTokens;
    e.completionTokens += usage.completionTokens;
    const o = this.#s.observer;
    if (o.listening('usage')) {
      o.notify('usage', {
        requestId: call.request.id,
        model: e.model.id,
        task: call.request.profile!,
        attempt: call.number,
        usage,
      });
    }
  }

  /** When the first of the models `p` found overloaded may take work again. */
  #firstCoolEnd(p: RouterRequest<Req, Res>): number {
    let first = Number.POSITIVE_INFINITY;
    for (const a of p.attempts) {
      const e = this.#s.fleet.get(a.model);
      if (e !== undefined) first = Math.min(first, e.coolUntil);
    }
    return Number.isFinite(first) ? first : this.#s.now();
  }

  /**
   * The model's server said it is overloaded: leave it alone for `retryAfterMs` when it said how
   * long, else for a backoff doubling from {@link OVERLOAD_BACKOFF_MS} per overload in a row.
   */
  #coolDown(e: ModelEntry<Req, Res>, retryAfterMs: number | undefined, now: number): void {
    e.overloads++;
    const backoff = Math.min(OVERLOAD_BACKOFF_MS * 2 ** (e.overloads - 1), MAX_COOL_DOWN_MS);
    const ms = Math.min(retryAfterMs ?? backoff, MAX_COOL_DOWN_MS);
    e.coolUntil = Math.max(e.coolUntil, now + ms);
  }

  /** @internal The slot was released (or the job cancelled): settles the request or retries it. */
  after(call: Call<Req, Res>, ok: boolean, value: unknown, cancelled: boolean): void {
    const p = call.request;
    if (p.call === call) p.call = undefined;
    this.#dropLease(call);
    // Never started (cancelled, skipped, sent back to routing, no lease): not tried after all.
    this.#settleTry(call, false);
    if (cancelled || (ok && (value === SKIPPED || value === HUNG))) return;
    if (ok && value === REROUTE) {
      p.attempt--;
      this.#s.admission.route(p);
      return;
    }
    if (p.settled) {
      // A stream settled its request at its first chunk: its end is still told to listeners.
      if (Number.isFinite(call.ttftMs)) this.#streamEnded(call, ok, value);
      return;
    }
    if (ok) {
      this.#s.settlement.complete(p, call, value as Res);
      return;
    }
    this.#failed(call, value);
  }

  /**
   * A started stream ended: `complete` when it ran to its end or its consumer stopped it, else
   * `fail` (no retry: the caller already has chunks) and `reject` with the error its consumer got.
   */
  #streamEnded(call: Call<Req, Res>, ok: boolean, value: unknown): void {
    const p = call.request;
    const s = this.#s;
    const stream = { ttftMs: call.ttftMs, cancelled: call.aborted };
    if (ok) {
      s.settlement.streamCompleted(p, call, stream);
      return;
    }
    this.#notifyFail(call, value, false);
    s.settlement.streamBroke(p, streamBroke(call.entry.model.id, value, p.id));
  }

  /** The `fail` event of `call` (built only when someone listens). */
  #notifyFail(call: Call<Req, Res>, error: unknown, willRetry: boolean): void {
    const o = this.#s.observer;
    if (!o.listening('fail')) return;
    const p = call.request;
    o.notify('fail', {
      requestId: p.id,
      model: call.entry.model.id,
      task: p.profile!,
      attempt: call.number,
      error,
      latencyMs: call.latencyMs,
      willRetry,
    });
  }

  #failed(call: Call<Req, Res>, error: unknown): void {
    const s = this.#s;
    const p = call.request;
    const e = call.entry;
    const task = p.profile!;
    const latencyMs = call.latencyMs;
    p.attempts.push({ model: e.model.id, error, latencyMs });
    p.tried ??= new Set();
    p.tried.add(e.model.id);
    const failure = modelCallFailure(error);
    if (failure?.kind === 'overloaded') p.overloads++;
    const now = s.now();
    // A refused request is not the model's fault, and another model would refuse it too.
    const refused = failure?.kind === 'rejected-request';
    // A stream that may be served whole (`callIfNoStream`) may go on to a model that cannot stream.
    const asStream = p.streaming && !p.callIfNoStream;
    // Overloads do not use up attempts: the request goes on to the next candidate (each model
    // once, so this ends).
    const willRetry =
      !refused &&
      p.attempts.length - p.overloads < this.#maxAttempts &&
      s.fleet
        .serving(task.type)
        .some((other) => exclusion(other, task, p.tokens, p.tried, now, asStream) === undefined);
    this.#notifyFail(call, error, willRetry);
    if (p.settled) return; // a listener aborted it
    if (refused) {
      s.settlement.fail(
        p,
        'REQUEST_REJECTED',
        `${e.model.id} refused the request itself: ${describeError(error, 200)}. Fix the request (its size or parameters); it was not retried elsewhere.`,
        { attempts: [...p.attempts] },
        error,
      );
      return;
    }
    if (!willRetry) {
      if (p.overloads === p.attempts.length) {
        // Every model tried was overloaded: shed, saying when the first of them may take work.
        const retryAfterMs = Math.max(0, Math.round(this.#firstCoolEnd(p) - now));
        s.settlement.fail(
          p,
          'CAPACITY_EXCEEDED',
          `Every model tried for a '${task.type}' request said it is overloaded; retry in ${retryAfterMs}ms.`,
          { attempts: [...p.attempts], limits: { retryAfterMs } },
          error,
        );
        return;
      }
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
    const error = this.#s.settlement.error(p, code, message, { limits }, cause);
    const call = p.call as Call<Req, Res> | undefined;
    if (call !== undefined && !call.ticket?.cancel()) {
      call.abort(error);
      // Waiting for its lease: nothing runs, so the slot frees now (a late lease is given back).
      if (call.acquiring) call.ticket?.release(SKIPPED);
      else if (Number.isFinite(call.startedAt)) this.#startGrace(call);
    }
    this.#s.settlement.reject(p, error);
  }

  #startGrace(call: Call<Req, Res>): void {
    const s = this.#s;
    const p = call.request;
    call.graceTimer = s.clock.setTimeout(() => {
      call.graceTimer = undefined;
      if (call.ticket === undefined) return;
      // The lease goes back before the slot frees (whoever takes the slot may need it). A call
      // that settled meanwhile gave it back already.
      this.#dropLease(call);
      if (!call.ticket.release(HUNG)) return;
      call.hung = true;
      this.#clearTimers(call);
      const now = s.now();
      s.observer.hung(call.entry, p.profile!.type, now);
      if (s.observer.listening('hung')) {
        s.observer.notify('hung', {
          requestId: p.id,
          model: call.model,
          task: p.profile!,
          heldMs: now - call.startedAt,
          graceMs: this.#graceMs,
        });
      }
    }, this.#graceMs);
  }

  /**
   * A probe that has not settled `graceMs` after it started counts as a failed probe, so a hung
   * probe cannot keep its model open for good (the call itself goes on, holding its slot).
   */
  #startProbeDeadline(call: Call<Req, Res>): void {
    const s = this.#s;
    call.probeTimer = s.clock.setTimeout(() => {
      call.probeTimer = undefined;
      call.entry.health?.onProbeTimeout(s.now());
      // Requests waiting for the model wake up after its new cool-off.
      s.admission.pump(call.entry);
    }, this.#graceMs);
  }

  #clearTimers(call: Call<Req, Res>): void {
    const clock = this.#s.clock;
    if (call.graceTimer !== undefined) clock.clearTimeout(call.graceTimer);
    if (call.probeTimer !== undefined) clock.clearTimeout(call.probeTimer);
    call.graceTimer = undefined;
    call.probeTimer = undefined;
  }
}
