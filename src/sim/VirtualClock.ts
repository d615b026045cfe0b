import type { Clock } from '../types.js';
import { configInvalid, throwIfProblems } from '../utils/options.js';
import { callbackProblems, isNum, mustBe, optionsProblems } from './internal/check.js';
import { MinHeap } from './internal/MinHeap.js';

/**
 * The handle {@link VirtualClock.setTimeout} returns. Opaque: pass it to
 * {@link VirtualClock.clearTimeout}; `at` tells when the timer is due.
 */
export interface VirtualTimer {
  /** The virtual time the timer is due at, in milliseconds. */
  readonly at: number;
}

/** A scheduled callback (the concrete {@link VirtualTimer}). */
interface TimerEntry extends VirtualTimer {
  /** Insertion sequence: breaks ties between timers due at the same time (first set, first run). */
  readonly seq: number;
  readonly fn: () => void;
  /** False once run or cleared. */
  active: boolean;
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * The virtual time the clock starts at, in milliseconds.
   * @default 0
   */
  readonly start?: number;
  /**
   * Lets pending promise reactions settle after each time step, so async code reacting to the
   * timers (promise chains, p-queue) runs before virtual time moves on. The default yields one
   * macrotask turn (`setImmediate`), which drains every queued microtask and `process.nextTick`.
   * @default () => new Promise((resolve) => setImmediate(resolve))
   */
  readonly flush?: () => Promise<void>;
}

/** Options of {@link VirtualClock.run}. */
export interface VirtualClockRunOptions {
  /**
   * Stop once no timer is due at or before this virtual time (in milliseconds); the clock is then
   * left at `until`. Timers due later stay scheduled.
   * @default Infinity (run until no timer remains)
   */
  readonly until?: number;
  /** Called after each time step (its timers ran and promises settled) with the current time. */
  onProgress?(now: number): void;
}

const CLOCK_KEYS = ['start', 'flush'] as const satisfies ReadonlyArray<keyof VirtualClockOptions>;
const RUN_KEYS = ['until', 'onProgress'] as const satisfies ReadonlyArray<
  keyof VirtualClockRunOptions
>;

const defaultFlush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Compaction threshold: rebuild the heap once this many cleared timers linger in it. */
const COMPACT_MIN = 1024;

/**
 * A discrete-event {@link Clock}: time stands still until {@link VirtualClock.run} (or
 * {@link VirtualClock.advance}) moves it from one due timer to the next. Never reads real time.
 *
 * Timers are kept in a binary min-heap ordered by (due time, insertion order), so runs are fully
 * deterministic: timers due at the same time fire in the order they were set. After each time
 * step the clock lets pending promise reactions settle (see {@link VirtualClockOptions.flush}),
 * so an `await` chain driven by virtual timers completes in virtual time with no real sleeping.
 *
 * Cleared timers are dropped lazily (skipped when they reach the top, compacted when they pile
 * up), so `clearTimeout` is O(1). Hundreds of thousands of timers run in about a second.
 *
 * @example
 * const clock = new VirtualClock();
 * const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
 * const done = (async () => { await sleep(100); await sleep(50); return clock.now(); })();
 * await clock.run();
 * await done; //=> 150
 */
export class VirtualClock implements Clock {
  readonly #heap = new MinHeap<TimerEntry>(
    (a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq),
  );
  readonly #flush: () => Promise<void>;
  #now: number;
  #seq = 0;
  #cleared = 0;
  #running = false;

  /**
   * @param options - Start time and promise-flush hook.
   * @throws ZetaError `CONFIG_INVALID` listing every problem: an unknown key, a `start` that is
   * not a finite number, a `flush` that is not a function.
   */
  constructor(options: VirtualClockOptions = {}) {
    const problems = optionsProblems(options, CLOCK_KEYS, { optional: true });
    const start: unknown = options?.start ?? 0;
    if (!isNum(start)) problems.push(mustBe('start', 'a finite number (milliseconds)', start));
    problems.push(...callbackProblems(options?.flush, 'flush'));
    throwIfProblems('VirtualClock options', problems);
    this.#now = start as number;
    this.#flush = options.flush ?? defaultFlush;
  }

  /** The current virtual time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Number of timers still scheduled (cleared ones excluded). */
  get pending(): number {
    return this.#heap.size - this.#cleared;
  }

  /** Whether {@link VirtualClock.run} or {@link VirtualClock.advance} is in progress. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Schedules `fn` to run `ms` milliseconds of virtual time from now.
   *
   * @param fn - The callback. If it throws, the error rejects the current `run()`.
   * @param ms - The delay in milliseconds; negative delays count as 0.
   * @returns A handle for {@link VirtualClock.clearTimeout}.
   * @throws ZetaError `CONFIG_INVALID` when `fn` is not a function or `ms` is not a finite number.
   */
  setTimeout(fn: () => void, ms: number): VirtualTimer {
    if (typeof fn !== 'function' || !isNum(ms)) {
      throw configInvalid('VirtualClock.setTimeout arguments', [
        ...(typeof fn === 'function' ? [] : [mustBe('fn', 'a function', fn)]),
        ...(isNum(ms) ? [] : [mustBe('ms', 'a finite number (milliseconds)', ms)]),
      ]);
    }
    const entry: TimerEntry = {
      at: this.#now + Math.max(0, ms),
      seq: this.#seq++,
      fn,
      active: true,
    };
    this.#heap.push(entry);
    return entry;
  }

  /**
   * Cancels a timer. Ignores handles that already ran, were cleared, or are not timers of a
   * virtual clock (like the global `clearTimeout`).
   */
  clearTimeout(handle: unknown): void {
    if (typeof handle !== 'object' || handle === null || !('active' in handle)) return;
    const entry = handle as TimerEntry;
    if (!entry.active) return;
    entry.active = false;
    this.#cleared++;
    if (this.#cleared >= COMPACT_MIN && this.#cleared * 2 > this.#heap.size) {
      this.#heap.filter((e) => e.active);
      this.#cleared = 0;
    }
  }

  /** The due time of the next scheduled timer, or `undefined` when none remains. */
  nextAt(): number | undefined {
    return this.#top()?.at;
  }

  /**
   * Runs timers in time order until none remains (or none is due by `options.until`). Each step
   * takes the next due time, sets `now` to it, runs every timer due then (including ones those
   * timers add for the same time), then awaits the flush hook so promise reactions settle.
   *
   * @returns The virtual time at which the run stopped.
   * @throws (rejects with) ZetaError `CONFIG_INVALID` listing every problem of `options` (an
   * unknown key, an `until` that is not a number or is NaN, an `onProgress` that is not a
   * function); Error when a run is already in progress; rethrows an error thrown by a timer
   * callback (the remaining timers stay scheduled).
   */
  async run(options: VirtualClockRunOptions = {}): Promise<number> {
    const problems = optionsProblems(options, RUN_KEYS, { optional: true });
    const until: unknown = options?.until ?? Number.POSITIVE_INFINITY;
    if (typeof until !== 'number' || Number.isNaN(until))
      problems.push(mustBe('until', 'a number (milliseconds; Infinity allowed)', until));
    problems.push(...callbackProblems(options?.onProgress, 'onProgress'));
    throwIfProblems('VirtualClock.run options', problems);
    if (this.#running) {
      throw new Error('VirtualClock.run: a run is already in progress');
    }
    this.#running = true;
    try {
      // Promise reactions queued before the run (e.g. a request just started) settle first.
      await this.#flush();
      for (;;) {
        const next = this.#top();
        if (next === undefined || next.at > (until as number)) break;
        const at = next.at;
        this.#now = at;
        for (let entry = this.#top(); entry !== undefined && entry.at === at; entry = this.#top()) {
          this.#heap.pop();
          entry.active = false;
          entry.fn();
        }
        await this.#flush();
        options.onProgress?.(at);
      }
      if (isNum(until) && until > this.#now) this.#now = until;
      return this.#now;
    } finally {
      this.#running = false;
    }
  }

  /**
   * Moves virtual time forward by `ms`, running every timer due meanwhile (as {@link run} does).
   *
   * @returns The new virtual time.
   * @throws (rejects with) ZetaError `CONFIG_INVALID` when `ms` is negative or not finite.
   */
  async advance(ms: number): Promise<number> {
    if (!isNum(ms) || ms < 0) {
      throw configInvalid('VirtualClock.advance arguments', [
        mustBe('ms', 'a finite number >= 0 (milliseconds)', ms),
      ]);
    }
    return await this.run({ until: this.#now + ms });
  }

  /** The first active timer, dropping cleared ones on the way. */
  #top(): TimerEntry | undefined {
    const heap = this.#heap;
    let top = heap.peek();
    while (top !== undefined && !top.active) {
      heap.pop();
      this.#cleared--;
      top = heap.peek();
    }
    return top;
  }
}
