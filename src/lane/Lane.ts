import PQueue from 'p-queue';

/** The capacity of one lane, fixed when its model is added. */
export interface LaneLimits {
  /** Maximum calls running at once (an integer >= 1). */
  readonly concurrency: number;
  /** Maximum estimated tokens bound to the lane (running or queued); Infinity for no budget. */
  readonly maxTokens: number;
  /** Maximum requests bound to the lane's own queue, not yet started (an integer >= 0). */
  readonly maxQueue: number;
  /**
   * At most `requests` calls start in any `intervalMs` window (a sliding window on the router's
   * clock). Omit for no rate limit.
   */
  readonly rateLimit?: { readonly requests: number; readonly intervalMs: number };
}

/** A read-only copy of a lane's counters. */
export interface LaneCounts {
  /** Calls running now (a call counts until it really settles, even after its caller gave up). */
  readonly inFlight: number;
  /** Requests bound to the lane and not started yet. */
  readonly queued: number;
  /** Estimated tokens of the running and queued requests. */
  readonly tokensInFlight: number;
}

/** A request bound to a lane. `cancel()` takes it back if it has not started yet. */
export interface LaneTicket<T> {
  /**
   * Settles with the work's outcome once it ran and its slot was released; resolves with
   * `undefined` at once when the ticket is cancelled before starting.
   */
  readonly done: Promise<T>;
  /** Takes the request out of the lane if it is still queued; returns whether it did. */
  cancel(): boolean;
  /**
   * Frees the slot of a running call that will not settle (it ignored its abort): `done` resolves
   * with `value` at once, and the work's own outcome, if it ever comes, is dropped. Returns false
   * unless the ticket is running.
   */
  release(value: T): boolean;
}

type TicketState = 'queued' | 'running' | 'done' | 'cancelled';

/** Work for {@link Lane.bindWork}: what runs in the slot and who hears how it ended. */
export interface LaneWork<T> {
  /** Runs when a slot is free; the slot is held until what it returns settles. */
  start(): PromiseLike<T> | T;
  /**
   * Called when the work settles, before its slot is released (so what it records is in place
   * when the next job is chosen). Not called for a released or cancelled job.
   */
  settled?(ok: boolean, value: unknown): void;
  /**
   * Called once: with the work's outcome after its slot was released (`ok` and the value, or not
   * and what it threw), or with `cancelled` when the job was cancelled before starting.
   */
  done(ok: boolean, value: unknown, cancelled: boolean): void;
}

/** A job bound with {@link Lane.bindWork}. */
export interface LaneJobTicket<T> {
  /** Takes the job out of the lane if it is still queued; returns whether it did. */
  cancel(): boolean;
  /** Frees the slot of a running job whose work will not settle: reports `value` as its outcome. */
  release(value: T): boolean;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/** One job of a lane: its state lives here, so binding allocates this and little else. */
class LaneJob<T> implements LaneJobTicket<T> {
  state: TicketState = 'queued';
  start = 0;
  freeSlot: (() => void) | undefined = undefined;
  /** For p-queue: starts the job in its slot. */
  readonly run = (): Promise<void> => this.lane.startJob(this as LaneJob<unknown>);
  readonly ok = (value: unknown): void =>
    this.lane.finishJob(this as LaneJob<unknown>, true, value);
  readonly fail = (error: unknown): void =>
    this.lane.finishJob(this as LaneJob<unknown>, false, error);

  constructor(
    readonly lane: Lane,
    readonly id: number,
    readonly tokens: number,
    readonly work: LaneWork<T>,
    readonly expectedMs: number,
    readonly controller: AbortController | undefined,
  ) {}

  cancel(): boolean {
    return this.lane.cancelJob(this as LaneJob<unknown>);
  }

  release(value: T): boolean {
    if (this.state !== 'running') return false;
    this.lane.finishJob(this as LaneJob<unknown>, true, value, true);
    return true;
  }
}

/**
 * One model at run time: a p-queue running at most `concurrency` calls, plus the token budget and
 * the counters the router and strategies read. It never chooses between models.
 *
 * Invariants: `inFlight <= concurrency`, `tokensInFlight <= maxTokens` and every counter >= 0 at all
 * times; a slot is held until the call's own promise settles, so a caller's timeout or abort never
 * frees capacity that a still-running call is using.
 */
/** Time constant of {@link Lane.meanInFlight}, in milliseconds. */
const BUSY_TIME_CONSTANT_MS = 2000;

export class Lane {
  readonly #queue: PQueue;
  readonly #limits: LaneLimits;
  readonly #onFree: () => void;
  readonly #now: () => number;
  #inFlight = 0;
  /** Time-decayed mean of `inFlight` as of `#busyAt` (see `meanInFlight`). */
  #busyMean = 0;
  #busyAt = Number.NaN;
  #queued = 0;
  #tokens = 0;
  #startSum = 0;
  /** Over running calls with an expected duration: their count, Σ 1/expected and Σ start/expected. */
  #timed = 0;
  #invExpected = 0;
  #startOverExpected = 0;
  /** Start times of running calls in start order: the first entry is the oldest. */
  readonly #running = new Map<number, number>();
  #nextTicket = 0;
  #idleWaiters: Array<() => void> = [];
  /** Start times of the last `rateLimit.requests` calls, oldest first (a ring): the rate window. */
  readonly #starts: number[] = [];
  #startsHead = 0;

  /**
   * @param limits - The lane's capacity.
   * @param now - The router's clock.
   * @param onFree - Called whenever a slot or tokens are released, so waiting work can be bound.
   */
  constructor(limits: LaneLimits, now: () => number, onFree: () => void) {
    this.#limits = limits;
    this.#now = now;
    this.#onFree = onFree;
    this.#queue = new PQueue({ concurrency: limits.concurrency });
  }

  /** The lane's capacity. */
  get limits(): LaneLimits {
    return this.#limits;
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Calls running, as a time-decayed mean (time constant 2 s; 0 before the first call): how busy
   * the model has been of late rather than at this instant, which a burst of short calls swings.
   */
  meanInFlight(now: number): number {
    if (Number.isNaN(this.#busyAt)) return 0;
    const f = now > this.#busyAt ? Math.exp(-(now - this.#busyAt) / BUSY_TIME_CONSTANT_MS) : 1;
    return this.#busyMean * f + this.#inFlight * (1 - f);
  }

  /** Folds the calls running until `now` into the mean (before `inFlight` changes). */
  #foldBusy(now: number): void {
    if (!(now > this.#busyAt)) {
      if (Number.isNaN(this.#busyAt)) this.#busyAt = now;
      return;
    }
    this.#busyMean = this.meanInFlight(now);
    this.#busyAt = now;
  }

  /** Requests bound here and not started. */
  get queued(): number {
    return this.#queued;
  }

  /** Estimated tokens of running and queued requests. */
  get tokensInFlight(): number {
    return this.#tokens;
  }

  /** Whether nothing runs or waits here. */
  get idle(): boolean {
    return this.#inFlight === 0 && this.#queued === 0;
  }

  /** A fresh copy of the counters. */
  counts(): LaneCounts {
    return { inFlight: this.#inFlight, queued: this.#queued, tokensInFlight: this.#tokens };
  }

  /** Whether `tokens` more would fit the token budget now (whatever the slots say). */
  fitsTokens(tokens: number): boolean {
    return this.#tokens + tokens <= this.#limits.maxTokens;
  }

  /** Whether a request of `tokens` would start at once. */
  canStart(tokens: number): boolean {
    if (this.#inFlight + this.#queued >= this.#limits.concurrency || !this.fitsTokens(tokens)) {
      return false;
    }
    if (this.#limits.rateLimit === undefined) return true;
    const now = this.#now();
    return this.rateAllowsAt(now) <= now;
  }

  /**
   * The earliest time, at or after `now`, at which the rate limit lets another call start (`now`
   * itself when there is no limit or room in the window).
   */
  rateAllowsAt(now: number): number {
    const rate = this.#limits.rateLimit;
    if (rate === undefined || this.#starts.length < rate.requests) return now;
    const oldest = this.#starts[this.#startsHead]!;
    return Math.max(now, oldest + rate.intervalMs);
  }

  /** Whether a request of `tokens` may wait in this lane's own queue. */
  canQueue(tokens: number): boolean {
    // A rate-limited lane takes no early bindings: p-queue would start them when a slot frees,
    // whatever the rate window says. Its requests wait in the router instead.
    return (
      this.#limits.rateLimit === undefined &&
      this.#queued < this.#limits.maxQueue &&
      this.fitsTokens(tokens)
    );
  }

  /** Mean elapsed time of the running calls, in milliseconds (0 when none run). */
  meanElapsedMs(now: number): number {
    // Clamped: the rounded mean of start times can exceed `now` by an ulp when calls just started.
    return this.#inFlight === 0 ? 0 : Math.max(0, now - this.#startSum / this.#inFlight);
  }

  /**
   * How far the running calls have overrun their expected duration: the mean of elapsed / expected
   * over the running calls bound with an `expectedMs` (0 when none). Above 1, calls take longer than
   * usual; this is known before they finish.
   */
  overrun(now: number): number {
    return this.#timed === 0
      ? 0
      : Math.max(0, (now * this.#invExpected - this.#startOverExpected) / this.#timed);
  }

  /** Elapsed time of the oldest running call, in milliseconds (0 when none run). */
  maxElapsedMs(now: number): number {
    for (const start of this.#running.values()) return now - start;
    return 0;
  }

  /**
   * Binds work to the lane. The caller checks {@link Lane.canStart} or {@link Lane.canQueue} first;
   * `work` is invoked when a slot is free and its returned promise holds the slot until it settles.
   * Among requests queued in the lane, higher `priority` starts first. `expectedMs`, the call's
   * expected duration when known, feeds {@link Lane.overrun}. The ticket's `done` settles with the
   * work's outcome once its slot is released (`undefined` when cancelled before starting).
   */
  bind<T>(
    tokens: number,
    work: () => PromiseLike<T> | T,
    priority = 0,
    expectedMs = Number.NaN,
  ): LaneTicket<T | undefined> {
    let settle!: (value: T | undefined) => void;
    let fail!: (error: unknown) => void;
    const done = new Promise<T | undefined>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const job = this.bindWork(
      tokens,
      {
        start: work,
        done: (ok, value, cancelled) => {
          if (cancelled) settle(undefined);
          else if (ok) settle(value as T);
          else fail(value);
        },
      },
      priority,
      expectedMs,
    );
    return {
      done,
      cancel: () => job.cancel(),
      release: (value) => job.release(value as T),
    };
  }

  /**
   * The router's form of {@link Lane.bind}, with no promise of its own: `work.start()` runs when a
   * slot is free, and `work.done(ok, value, cancelled)` is called once the slot is released (or the
   * job cancelled before starting). `release(value)` frees the slot of a call that never settles:
   * `done(true, value, false)` at once, and the work's own outcome is dropped when it comes.
   */
  bindWork<T>(
    tokens: number,
    work: LaneWork<T>,
    priority = 0,
    expectedMs = Number.NaN,
  ): LaneJobTicket<T> {
    // Only a ticket that has to wait can be cancelled in practice: give just those an AbortSignal,
    // so p-queue drops them (and what they hold) at once when cancelled.
    const controller =
      this.#inFlight + this.#queued >= this.#limits.concurrency ? new AbortController() : undefined;
    const job = new LaneJob(this, this.#nextTicket++, tokens, work, expectedMs, controller);
    this.#countStart();
    this.#queued++;
    this.#tokens += tokens;
    const queued = this.#queue.add(
      job.run,
      controller ? { priority, signal: controller.signal } : { priority },
    );
    // p-queue's promise rejects only when a cancel aborts the queued entry (only with a signal).
    if (controller) queued.catch(() => undefined);
    return job;
  }

  /** @internal A job got its slot: counts it running; returns the promise that holds the slot. */
  startJob(job: LaneJob<unknown>): Promise<void> {
    // A cancelled ticket p-queue still ran (cancelled during its start-up microtask): no-op.
    if (job.state !== 'queued') return Promise.resolve();
    job.state = 'running';
    this.#queued--;
    const start = this.#now();
    this.#foldBusy(start);
    this.#inFlight++;
    job.start = start;
    this.#startSum += start;
    this.#running.set(job.id, start);
    const expected = job.expectedMs;
    if (expected > 0 && Number.isFinite(expected)) {
      this.#timed++;
      this.#invExpected += 1 / expected;
      this.#startOverExpected += start / expected;
    }
    // The job's promise is the slot: p-queue frees it when the promise settles. It is settled by
    // the work's outcome, or earlier by `release()` for a call that never settles.
    return new Promise<void>((freeSlot) => {
      job.freeSlot = freeSlot;
      let pending: PromiseLike<unknown> | unknown;
      try {
        pending = job.work.start();
      } catch (error) {
        this.finishJob(job, false, error);
        return;
      }
      if (isThenable(pending)) pending.then(job.ok, job.fail);
      else this.finishJob(job, true, pending);
    });
  }

  /** @internal A running job's work settled (or was released): frees the slot, then reports. */
  finishJob(job: LaneJob<unknown>, ok: boolean, value: unknown, released = false): void {
    if (job.state !== 'running') return;
    job.state = 'done';
    if (!released) {
      try {
        job.work.settled?.(ok, value);
      } catch (error) {
        // The lane's own bookkeeping below must happen whatever the hook does.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.#foldBusy(this.#now());
    this.#inFlight--;
    this.#releaseTokens(job.tokens);
    const start = job.start;
    // Reset when nothing runs, so rounding errors of fractional clocks never accumulate.
    this.#startSum = this.#inFlight === 0 ? 0 : this.#startSum - start;
    const expected = job.expectedMs;
    if (expected > 0 && Number.isFinite(expected)) {
      this.#timed--;
      this.#invExpected = this.#timed === 0 ? 0 : this.#invExpected - 1 / expected;
      this.#startOverExpected = this.#timed === 0 ? 0 : this.#startOverExpected - start / expected;
    }
    this.#running.delete(job.id);
    job.freeSlot?.();
    job.freeSlot = undefined;
    // Report after the release, so whoever hears of it sees the slot free.
    this.#released();
    job.work.done(ok, value, false);
  }

  /** @internal Takes a queued job out; false unless it was still queued. */
  cancelJob(job: LaneJob<unknown>): boolean {
    if (job.state !== 'queued') return false;
    job.state = 'cancelled';
    this.#queued--;
    this.#releaseTokens(job.tokens);
    job.controller?.abort();
    job.work.done(false, undefined, true);
    this.#released();
    return true;
  }

  /** Returns tokens to the budget; exactly 0 once nothing runs or waits (no float residue). */
  #releaseTokens(tokens: number): void {
    this.#tokens = this.#inFlight === 0 && this.#queued === 0 ? 0 : this.#tokens - tokens;
  }

  #countStart(): void {
    const rate = this.#limits.rateLimit;
    if (rate === undefined) return;
    const now = this.#now();
    if (this.#starts.length < rate.requests) {
      this.#starts.push(now);
      return;
    }
    this.#starts[this.#startsHead] = now;
    this.#startsHead = (this.#startsHead + 1) % rate.requests;
  }

  /** Resolves once nothing runs or waits in the lane (at once when already idle). */
  onIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #released(): void {
    if (this.idle && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
    this.#onFree();
  }
}
