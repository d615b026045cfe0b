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

type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

type TicketState = 'queued' | 'running' | 'done' | 'cancelled';

/**
 * One model at run time: a p-queue running at most `concurrency` calls, plus the token budget and
 * the counters the router and strategies read. It never chooses between models.
 *
 * Invariants: `inFlight <= concurrency`, `tokensInFlight <= maxTokens` and every counter >= 0 at all
 * times; a slot is held until the call's own promise settles, so a caller's timeout or abort never
 * frees capacity that a still-running call is using.
 */
export class Lane {
  readonly #queue: PQueue;
  readonly #limits: LaneLimits;
  readonly #onFree: () => void;
  readonly #now: () => number;
  #inFlight = 0;
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

  /** Whether a request of `tokens` would start at once. */
  canStart(tokens: number): boolean {
    if (
      this.#inFlight + this.#queued >= this.#limits.concurrency ||
      this.#tokens + tokens > this.#limits.maxTokens
    ) {
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
      this.#tokens + tokens <= this.#limits.maxTokens
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
   * expected duration when known, feeds {@link Lane.overrun}.
   */
  bind<T>(
    tokens: number,
    work: () => Promise<T>,
    priority = 0,
    expectedMs = Number.NaN,
  ): LaneTicket<T | undefined> {
    const timed = expectedMs > 0 && Number.isFinite(expectedMs);
    const ticket = this.#nextTicket++;
    let state: TicketState = 'queued';
    // Only a ticket that has to wait can be cancelled in practice: give just those an AbortSignal,
    // so p-queue drops them (and what they hold) at once when cancelled.
    const controller =
      this.#inFlight + this.#queued >= this.#limits.concurrency ? new AbortController() : undefined;
    let job: (() => Promise<T>) | undefined = work;
    this.#countStart();
    let settle!: (value: T | undefined) => void;
    let fail!: (error: unknown) => void;
    const done = new Promise<T | undefined>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    this.#queued++;
    this.#tokens += tokens;
    // The job's promise is the slot: p-queue frees it when the promise settles. It is settled by
    // the work's outcome, or earlier by `release()` for a call that never settles.
    let finish: ((outcome: Outcome<T>) => void) | undefined;
    const jobFn = (): Promise<void> => {
      // A cancelled ticket p-queue still ran (cancelled during its start-up microtask): no-op.
      if (state === 'cancelled' || job === undefined) return Promise.resolve();
      const run = job;
      job = undefined;
      state = 'running';
      this.#queued--;
      this.#inFlight++;
      const start = this.#now();
      this.#startSum += start;
      this.#running.set(ticket, start);
      if (timed) {
        this.#timed++;
        this.#invExpected += 1 / expectedMs;
        this.#startOverExpected += start / expectedMs;
      }
      return new Promise<void>((freeSlot) => {
        finish = (outcome) => {
          if (state !== 'running') return;
          state = 'done';
          finish = undefined;
          this.#inFlight--;
          this.#releaseTokens(tokens);
          // Reset when nothing runs, so rounding errors of fractional clocks never accumulate.
          this.#startSum = this.#inFlight === 0 ? 0 : this.#startSum - start;
          if (timed) {
            this.#timed--;
            this.#invExpected = this.#timed === 0 ? 0 : this.#invExpected - 1 / expectedMs;
            this.#startOverExpected =
              this.#timed === 0 ? 0 : this.#startOverExpected - start / expectedMs;
          }
          this.#running.delete(ticket);
          freeSlot();
          // Settle after the release, so whoever awaits `done` sees the slot free.
          this.#released();
          if (outcome.ok) settle(outcome.value);
          else fail(outcome.error);
        };
        const done = finish;
        let pending: Promise<T>;
        try {
          pending = run();
        } catch (error) {
          done({ ok: false, error });
          return;
        }
        pending.then(
          (value) => done({ ok: true, value }),
          (error: unknown) => done({ ok: false, error }),
        );
      });
    };
    const queued = this.#queue.add(
      jobFn,
      controller ? { priority, signal: controller.signal } : { priority },
    );
    // p-queue's promise rejects only when a cancel aborts the queued entry (only with a signal).
    if (controller) queued.catch(() => undefined);
    return {
      done,
      cancel: () => {
        if (state !== 'queued') return false;
        state = 'cancelled';
        job = undefined;
        this.#queued--;
        this.#releaseTokens(tokens);
        controller?.abort();
        settle(undefined);
        this.#released();
        return true;
      },
      release: (value: T) => {
        if (state !== 'running' || finish === undefined) return false;
        finish({ ok: true, value });
        return true;
      },
    };
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
