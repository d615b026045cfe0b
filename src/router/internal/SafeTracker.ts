import type {
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  TrackerSnapshot,
} from '../../load/LoadTracker.js';
import type { LearnedState } from '../../load/learnedState.js';
import type { FinishDetails, LatencyStats, LearnedStats, TaskType } from '../../types.js';

const EMPTY_LATENCY: LatencyStats = Object.freeze({
  count: 0,
  mean: Number.NaN,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
});
const ZERO_STATS: ModelLoadStats = Object.freeze({
  inFlight: 0,
  errorRate: 0,
  throughput: 0,
  completed: 0,
  failed: 0,
});
const ZERO_ARRIVALS: ArrivalStats = Object.freeze({ rate: 0, forecast: 0, trend: 0, horizonMs: 0 });

/** Rethrows on a later microtask: a bug in a user-supplied tracker is seen, not swallowed. */
function report(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * A user-supplied {@link LoadTracker} seen through a guard: a method that throws is reported (an
 * uncaught exception on a later microtask, as a throwing listener is) and answers as an empty
 * tracker would, so a buggy tracker cannot leave a request unsettled or a slot held. The built-in
 * tracker is used as is.
 */
export class SafeTracker implements LoadTracker {
  readonly #inner: LoadTracker;
  /** Present when the inner tracker has it; its errors (bad state) reach the caller. */
  readonly exportLearned?: (now: number) => LearnedState;
  readonly importLearned?: (state: unknown, now: number) => void;

  constructor(inner: LoadTracker) {
    this.#inner = inner;
    if (typeof inner.exportLearned === 'function' && typeof inner.importLearned === 'function') {
      this.exportLearned = (now) => inner.exportLearned!(now);
      this.importLearned = (state, now) => inner.importLearned!(state, now);
    }
  }

  recordQuality(
    model: string,
    quality: number,
    now: number,
    task?: { readonly type: TaskType; readonly complexity?: number },
  ): void {
    try {
      this.#inner.recordQuality?.(model, quality, now, task);
    } catch (error) {
      report(error);
    }
  }

  learned(
    model: string,
    task: TaskType,
    complexity: number,
    now: number,
  ): LearnedStats | undefined {
    try {
      return this.#inner.learned?.(model, task, complexity, now);
    } catch (error) {
      report(error);
      return undefined;
    }
  }

  recordArrival(task: TaskType, now: number): void {
    try {
      this.#inner.recordArrival(task, now);
    } catch (error) {
      report(error);
    }
  }

  recordStart(model: string, task: TaskType, now: number): void {
    try {
      this.#inner.recordStart(model, task, now);
    } catch (error) {
      report(error);
    }
  }

  recordFinish(
    model: string,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details?: FinishDetails,
  ): void {
    try {
      this.#inner.recordFinish(model, task, latencyMs, ok, now, details);
    } catch (error) {
      report(error);
    }
  }

  recordAbandon(model: string, task: TaskType, now: number): void {
    try {
      if (this.#inner.recordAbandon) this.#inner.recordAbandon(model, task, now);
      else this.#inner.recordFinish(model, task, Number.NaN, true, now);
    } catch (error) {
      report(error);
    }
  }

  recordFirstToken(model: string, task: TaskType, ttftMs: number, now: number): void {
    try {
      this.#inner.recordFirstToken?.(model, task, ttftMs, now);
    } catch (error) {
      report(error);
    }
  }

  firstToken(model: string, task: TaskType, now: number): LatencyStats {
    try {
      return this.#inner.firstToken?.(model, task, now) ?? EMPTY_LATENCY;
    } catch (error) {
      report(error);
      return EMPTY_LATENCY;
    }
  }

  latency(model: string, task: TaskType, now: number): LatencyStats {
    try {
      return this.#inner.latency(model, task, now);
    } catch (error) {
      report(error);
      return EMPTY_LATENCY;
    }
  }

  modelStats(model: string, now: number): ModelLoadStats {
    try {
      return this.#inner.modelStats(model, now);
    } catch (error) {
      report(error);
      return ZERO_STATS;
    }
  }

  arrivals(task: TaskType, now: number): ArrivalStats {
    try {
      return this.#inner.arrivals(task, now);
    } catch (error) {
      report(error);
      return ZERO_ARRIVALS;
    }
  }

  snapshot(now: number): TrackerSnapshot {
    try {
      return this.#inner.snapshot(now);
    } catch (error) {
      report(error);
      return { at: now, windowMs: 0, models: [], arrivals: [] };
    }
  }

  removeModel(model: string): void {
    try {
      this.#inner.removeModel(model);
    } catch (error) {
      report(error);
    }
  }
}
