import type { TaskType } from '../../types.js';
import type { ModelLoadStats } from '../LoadTracker.js';
import { DecayingRate } from './DecayingRate.js';
import { HoltForecaster } from './HoltForecaster.js';
import { LatencyWindow } from './LatencyWindow.js';
import { Evidence, type MutableStats, PairLearning, Speed } from './Learned.js';
import type { ResolvedLoadTrackerOptions } from './resolveOptions.js';

/** Counters and latency window of one (model, task) pair. */
export class PairState {
  inFlight = 0;
  completed = 0;
  failed = 0;
  readonly window: LatencyWindow;
  /** Time to first token of streams, made on the first one (most pairs never stream). */
  firstToken: LatencyWindow | undefined;
  /** What was learned of the pair (replaced whole by an import). */
  learning = new PairLearning();

  constructor(options: ResolvedLoadTrackerOptions) {
    this.window = new LatencyWindow(options);
  }
}

/** Everything tracked about one model. */
export class ModelState {
  inFlight = 0;
  completed = 0;
  failed = 0;
  /**
   * Error EWMA over calls, with its weight `1 - (1 - alpha)^calls`; `errorSum / errorWeight` is the
   * bias-corrected rate, so early calls are not averaged against an imaginary run of successes.
   */
  errorSum = 0;
  errorWeight = 0;
  readonly throughput: DecayingRate;
  readonly tasks = new Map<TaskType, PairState>();
  /** Quality reports of the model as a whole, learned with time decay. */
  quality = new Evidence();
  /** Its speed relative to the fleet, across task types (replaced whole by an import). */
  speed = new Speed();
  /** The view read for a task it has not served yet (its speed, the fleet's level), reused. */
  coldView: MutableStats | undefined;
  /** Bumped on every record, so a cached stats view knows when it is stale. */
  version = 0;
  /** The last stats view handed out, with the version and time it was made for. */
  cached:
    | { readonly version: number; readonly now: number; readonly stats: ModelLoadStats }
    | undefined;

  constructor(rateHalfLifeMs: number) {
    this.throughput = new DecayingRate(rateHalfLifeMs);
  }

  /** When the error sum was last faded, in ms on the tracker's clock. */
  errorAt = Number.NaN;

  /** Fades the error sum by the time since the last fade (half every `decayMs`). */
  fadeErrors(now: number, decayMs: number): void {
    const since = now - this.errorAt;
    if (since > 0) this.errorSum *= 2 ** (-since / decayMs);
    if (!(now <= this.errorAt)) this.errorAt = now;
  }

  /** The bias-corrected error EWMA at `now`, faded by the time since the last call, 0..1 (0 before any call). */
  errorRate(now: number, decayMs: number): number {
    if (this.errorWeight <= 0) return 0;
    const since = now - this.errorAt;
    const fade = since > 0 ? 2 ** (-since / decayMs) : 1;
    return (this.errorSum * fade) / this.errorWeight;
  }
}

/** Arrivals of one task type. */
export class ArrivalState {
  total = 0;
  readonly rate: DecayingRate;
  readonly holt: HoltForecaster;

  constructor(options: ResolvedLoadTrackerOptions) {
    this.rate = new DecayingRate(options.rateHalfLifeMs);
    this.holt = new HoltForecaster({
      intervalMs: options.forecastIntervalMs,
      alpha: options.forecastAlpha,
      beta: options.forecastBeta,
    });
  }
}
