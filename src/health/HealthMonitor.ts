import type { HealthState } from '../types.js';
import { unknownKeyProblems } from '../utils/options.js';

/** Options of the per-model health state machine. All times in milliseconds. */
export interface HealthOptions {
  /**
   * Consecutive failed calls that open a model (stop routing to it).
   * @default 5
   */
  readonly openAfterFailures?: number;
  /**
   * Error rate (0..1, exponentially weighted over recent calls) at or above which a model is `degraded`.
   * @default 0.2
   */
  readonly degradedErrorRate?: number;
  /**
   * Error rate (0..1) at or above which a model opens, once at least `minSamples` calls were seen.
   * @default 0.5
   */
  readonly openErrorRate?: number;
  /**
   * Calls seen before error rates and drift can change the state.
   * @default 10
   */
  readonly minSamples?: number;
  /**
   * Weight of the newest call in the error-rate average, in (0, 1].
   * @default 0.1
   */
  readonly alpha?: number;
  /**
   * Recent latency over the usual latency of the same task type (exponentially weighted) at or
   * above which a model is `degraded` (drift). `Infinity` disables drift detection.
   * @default 3
   */
  readonly driftRatio?: number;
  /**
   * Quality (0..1, exponentially weighted over the reports given to `router.reportQuality()`)
   * below which a model is `degraded`, once `minSamples` reports came. 0 disables it.
   * @default 0.5
   */
  readonly minQuality?: number;
  /**
   * How long an open model rests before a probe request may test it (half-open). Doubles after
   * each failed probe, up to `maxCooldownMs`.
   * @default 5000
   */
  readonly cooldownMs?: number;
  /**
   * The longest cool-off after repeated failed probes, in milliseconds (>= `cooldownMs`).
   * @default 60000
   */
  readonly maxCooldownMs?: number;
  /**
   * Time heals: the error rate and the latency drift fade towards normal by half every
   * `recoveryHalfLifeMs` on the router's clock, calls or no calls. A model that failed once, or was
   * slow and recovered, is not held against for good under light traffic: a `degraded` model turns
   * `healthy` again once the faded figures are back under the thresholds.
   * @default 30000
   */
  readonly recoveryHalfLifeMs?: number;
}

/** A change of a model's health, as emitted in the router's `health` event. */
export interface HealthChange {
  /** The model id. */
  readonly model: string;
  /** The state before. */
  readonly from: HealthState;
  /** The state after. */
  readonly to: HealthState;
  /** Why, in a sentence. */
  readonly reason: string;
  /** When, in milliseconds on the router's clock. */
  readonly at: number;
}

/** A plain copy of one model's health figures. */
export interface HealthSnapshot {
  readonly state: HealthState;
  /** Exponentially weighted error rate, 0..1. */
  readonly errorRate: number;
  /** Failed calls in a row. */
  readonly consecutiveFailures: number;
  /** When an open model may be probed next, in ms on the router's clock (NaN unless open). */
  readonly retryAt: number;
  /** Reported answer quality, 0..1, exponentially weighted (NaN before any report). */
  readonly quality: number;
  /** Whether an open model's probe call is running now. */
  readonly probing: boolean;
}

/** Weight of the newest call in the recent-drift average. */
const DRIFT_ALPHA = 0.2;
/** The baseline moves like a mean of this many calls. */
const BASELINE_SAMPLES = 100;
/** Task types tracked per model (memory bound). */
const MAX_TASK_BASELINES = 1000;

const defaults: Required<HealthOptions> = {
  openAfterFailures: 5,
  degradedErrorRate: 0.2,
  openErrorRate: 0.5,
  minSamples: 10,
  alpha: 0.1,
  driftRatio: 3,
  minQuality: 0.5,
  cooldownMs: 5000,
  maxCooldownMs: 60_000,
  recoveryHalfLifeMs: 30_000,
};

/** Validates health options; returns one sentence per problem. */
export function healthOptionProblems(options: HealthOptions): string[] {
  const o = { ...defaults, ...options };
  const problems = unknownKeyProblems(options, Object.keys(defaults), 'health.');
  const need = (name: keyof HealthOptions, ok: boolean, expected: string): void => {
    // The comparisons below coerce, so `'0.5'` or `true` would pass them: require a real number.
    const v: unknown = o[name];
    if (typeof v !== 'number' || !ok) {
      const shown = typeof v === 'string' ? JSON.stringify(v) : String(v);
      problems.push(`\`health.${name}\` must be ${expected}, got ${shown}`);
    }
  };
  const isInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
  need('openAfterFailures', isInt(o.openAfterFailures), 'an integer >= 1');
  need('degradedErrorRate', o.degradedErrorRate > 0 && o.degradedErrorRate <= 1, 'in (0, 1]');
  need('openErrorRate', o.openErrorRate > 0 && o.openErrorRate <= 1, 'in (0, 1]');
  need('minSamples', isInt(o.minSamples), 'an integer >= 1');
  need('alpha', o.alpha > 0 && o.alpha <= 1, 'in (0, 1]');
  need('driftRatio', o.driftRatio > 1, 'a number > 1 (or Infinity)');
  need('minQuality', o.minQuality >= 0 && o.minQuality <= 1, 'in [0, 1]');
  need('cooldownMs', o.cooldownMs > 0 && Number.isFinite(o.cooldownMs), 'a finite number > 0');
  need('maxCooldownMs', o.maxCooldownMs >= o.cooldownMs, 'a number >= `health.cooldownMs`');
  need('recoveryHalfLifeMs', o.recoveryHalfLifeMs > 0, 'a number > 0 (or Infinity for no healing)');
  return problems;
}

/**
 * Health of one model: `healthy` → `degraded` (error rate or latency drift) → `open` (too many
 * failures: not routed to). After a cool-off an open model admits one probe (half-open); a
 * successful probe makes it `degraded`, then `healthy` once its error rate settles; a failed probe
 * opens it again for twice as long. Time is passed in, never read.
 */
export class HealthMonitor {
  readonly #o: Required<HealthOptions>;
  readonly #model: string;
  readonly #onChange: (change: HealthChange) => void;
  #state: HealthState = 'healthy';
  #errorRate = 0;
  #samples = 0;
  #consecutive = 0;
  /** Long-run mean latency per task type: the baseline each new latency is compared with. */
  readonly #baseline = new Map<string, { mean: number; n: number }>();
  /** Recent latency relative to its task type's baseline (1 = as usual), exponentially weighted. */
  #drift = 1;
  /** Reported quality, exponentially weighted, and how many reports came. */
  #quality = Number.NaN;
  #qualityReports = 0;
  #cooldown: number;
  #retryAt = Number.NaN;
  #probing = false;
  /** When the error rate and drift were last faded, in ms (NaN before the first reading). */
  #fadedAt = Number.NaN;

  constructor(model: string, options: HealthOptions, onChange: (change: HealthChange) => void) {
    this.#o = { ...defaults, ...options };
    this.#model = model;
    this.#onChange = onChange;
    this.#cooldown = this.#o.cooldownMs;
  }

  /** The state as of the last reading (see {@link HealthMonitor.stateAt} for the state now). */
  get state(): HealthState {
    return this.#state;
  }

  /**
   * The state at `now`, after fading the error rate and drift by the time passed: a `degraded`
   * model whose faded figures are back to normal turns `healthy` (and the change is reported).
   */
  stateAt(now: number): HealthState {
    this.#fade(now);
    if (this.#state === 'degraded') this.#evaluate(now);
    return this.#state;
  }

  /** Fades the error rate and the drift towards normal by the time since the last fade. */
  #fade(now: number): void {
    const since = now - this.#fadedAt;
    if (!(since > 0)) {
      if (Number.isNaN(this.#fadedAt) && Number.isFinite(now)) this.#fadedAt = now;
      return;
    }
    this.#fadedAt = now;
    const keep = 2 ** (-since / this.#o.recoveryHalfLifeMs);
    this.#errorRate *= keep;
    this.#drift = 1 + (this.#drift - 1) * keep;
  }

  /** The exponentially weighted error rate, 0..1. */
  get errorRate(): number {
    return this.#errorRate;
  }

  /**
   * Whether a new request may be routed here at `now`. An open model past its cool-off admits a
   * single probe at a time.
   */
  canRoute(now: number): boolean {
    if (this.#state !== 'open') return true;
    return !this.#probing && now >= this.#retryAt;
  }

  /** Marks the start of a call; on an open model it is the probe. */
  onStart(): void {
    if (this.#state === 'open') this.#probing = true;
  }

  /**
   * Records the outcome of a call of task type `task` that ran for `latencyMs`. Latency drift is
   * judged per task type (a model serving both quick and long tasks is not drifting when a few
   * long ones finish in a row).
   */
  onFinish(ok: boolean, latencyMs: number, now: number, task = ''): void {
    const o = this.#o;
    this.#fade(now);
    this.#samples++;
    this.#errorRate += o.alpha * ((ok ? 0 : 1) - this.#errorRate);
    this.#consecutive = ok ? 0 : this.#consecutive + 1;
    if (ok && Number.isFinite(latencyMs) && latencyMs >= 0) this.#observe(task, latencyMs);
    if (this.#state === 'open') {
      if (!this.#probing) return;
      this.#probing = false;
      if (ok) {
        this.#probeSucceeded('probe call succeeded', now);
      } else {
        this.#cooldown = Math.min(this.#cooldown * 2, o.maxCooldownMs);
        this.#retryAt = now + this.#cooldown;
        // Still open, no transition to report: the cool-off just doubled.
      }
      return;
    }
    if (this.#consecutive >= o.openAfterFailures) {
      this.#open(`${this.#consecutive} failures in a row`, now);
      return;
    }
    if (this.#samples < o.minSamples) return;
    if (this.#errorRate >= o.openErrorRate) {
      this.#open(`error rate ${(this.#errorRate * 100).toFixed(0)}%`, now);
      return;
    }
    this.#evaluate(now);
  }

  /**
   * A streamed call's first chunk came. If the call is the probe of an open model, the model
   * answers again: the probe succeeded (the model turns `degraded` and takes traffic), without
   * waiting for a stream that may run for minutes. The call's outcome, when it ends, counts like
   * any other call's.
   */
  onFirstChunk(now: number): void {
    if (this.#state !== 'open' || !this.#probing) return;
    this.#probing = false;
    this.#consecutive = 0;
    this.#probeSucceeded('probe stream answered (its first chunk came)', now);
  }

  #probeSucceeded(reason: string, now: number): void {
    this.#cooldown = this.#o.cooldownMs;
    this.#errorRate = Math.min(this.#errorRate, this.#o.degradedErrorRate);
    this.#set('degraded', reason, now);
  }

  /**
   * Records a quality score (0 = useless answer, 1 = perfect) for a call this model served, from
   * the app's own judgement (user feedback, an evaluator). Poor quality degrades the model.
   */
  onQuality(quality: number, now: number): void {
    this.#qualityReports++;
    this.#quality = Number.isNaN(this.#quality)
      ? quality
      : this.#quality + this.#o.alpha * (quality - this.#quality);
    if (this.#state !== 'open') this.#evaluate(now);
  }

  /** healthy <-> degraded from error rate, latency drift and quality (never opens). */
  #evaluate(now: number): void {
    const o = this.#o;
    const errorsCount = this.#samples >= o.minSamples;
    const qualityCounts = this.#qualityReports >= o.minSamples && o.minQuality > 0;
    const drift = this.#drift;
    if (errorsCount && this.#errorRate >= o.degradedErrorRate) {
      this.#set('degraded', `error rate ${(this.#errorRate * 100).toFixed(0)}%`, now);
    } else if (errorsCount && drift >= o.driftRatio) {
      this.#set(
        'degraded',
        `latency drift: recent calls ${drift.toFixed(1)}x their usual latency`,
        now,
      );
    } else if (qualityCounts && this.#quality < o.minQuality) {
      this.#set(
        'degraded',
        `reported quality ${this.#quality.toFixed(2)} below ${o.minQuality}`,
        now,
      );
    } else if (
      this.#state === 'degraded' &&
      this.#errorRate < o.degradedErrorRate / 2 &&
      drift < o.driftRatio / 1.5 &&
      (!qualityCounts || this.#quality >= Math.min(1, o.minQuality + 0.1))
    ) {
      this.#set('healthy', 'error rate, latency and quality back to normal', now);
    }
  }

  #observe(task: string, latencyMs: number): void {
    let b = this.#baseline.get(task);
    if (b === undefined) {
      if (this.#baseline.size >= MAX_TASK_BASELINES) return;
      b = { mean: latencyMs, n: 0 };
      this.#baseline.set(task, b);
    }
    if (b.n >= this.#o.minSamples && b.mean > 0) {
      this.#drift += DRIFT_ALPHA * (latencyMs / b.mean - this.#drift);
    }
    b.n++;
    // A running mean at first, then a slow exponential average: a lasting change becomes normal.
    b.mean += (latencyMs - b.mean) / Math.min(b.n, BASELINE_SAMPLES);
  }

  /**
   * The probe call has run too long (it may never settle): it counts as a failed probe, so the
   * model rests again (twice as long) and a later request may probe it. The call's own outcome,
   * if it ever comes, no longer decides anything.
   */
  onProbeTimeout(now: number): void {
    if (this.#state !== 'open' || !this.#probing) return;
    this.#probing = false;
    this.#cooldown = Math.min(this.#cooldown * 2, this.#o.maxCooldownMs);
    this.#retryAt = now + this.#cooldown;
  }

  /**
   * A call ended without telling anything about the model (its caller gave up): if it was the
   * probe, the next call may probe instead.
   */
  onAbandon(): void {
    this.#probing = false;
  }

  /** A plain copy of the health figures; with `now`, as of then (faded, see {@link HealthMonitor.stateAt}). */
  snapshot(now?: number): HealthSnapshot {
    if (now !== undefined) this.stateAt(now);
    return {
      state: this.#state,
      errorRate: this.#errorRate,
      probing: this.#probing,
      consecutiveFailures: this.#consecutive,
      retryAt: this.#state === 'open' ? this.#retryAt : Number.NaN,
      quality: this.#quality,
    };
  }

  #open(reason: string, now: number): void {
    this.#retryAt = now + this.#cooldown;
    this.#set('open', `${reason}: resting ${this.#cooldown}ms`, now);
  }

  #set(to: HealthState, reason: string, at: number): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#onChange({ model: this.#model, from, to, reason, at });
  }
}
