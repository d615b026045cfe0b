import type { LearnedStats } from '../../types.js';
import {
  boundedLogSpeed,
  LATENCY_CEILING_MS,
  LOG_SPEED_LIMIT,
  learnedLatency,
  learnedTokens,
  TOKEN_CEILING,
} from '../../utils/limits.js';

/**
 * The learning maths of the in-memory tracker: exponentially time-decayed sums, so old evidence
 * fades with the clock (calls or no calls) and a mean is the ratio of two sums decayed alike
 * (decay changes how much evidence there is, never what it says). O(1) state per band, no
 * allocation on record.
 */

/** Number of complexity bands learned per (model, task): a fixed number, so memory is bounded. */
export const COMPLEXITY_BANDS = 4;

/**
 * The band of a complexity 0..1: `[0, 0.25)`, `[0.25, 0.5)`, `[0.5, 0.75)`, `[0.75, 1]`. A missing
 * or non-finite complexity gives -1 (the sample counts for the task as a whole only).
 */
export function bandOf(complexity: number | undefined): number {
  if (complexity === undefined || !Number.isFinite(complexity)) return -1;
  const b = Math.floor(Math.min(Math.max(complexity, 0), 1) * COMPLEXITY_BANDS);
  return Math.min(b, COMPLEXITY_BANDS - 1);
}

/** The decay factor over `ms` milliseconds for a decay constant `lambda` (per ms); 1 for ms <= 0. */
export function decayFactor(lambda: number, ms: number): number {
  return ms > 0 ? Math.exp(-lambda * ms) : 1;
}

/** Sums decayed alike, as of `at`: `decayTo` brings them to a later time. */
abstract class DecayedSums {
  at = Number.NEGATIVE_INFINITY;

  /** Brings the sums to `now` (an earlier or non-finite `now` counts as the latest time seen). */
  decayTo(now: number, lambda: number): void {
    if (!(now > this.at && now < Number.POSITIVE_INFINITY)) return;
    if (this.at > Number.NEGATIVE_INFINITY) this.scale(decayFactor(lambda, now - this.at));
    this.at = now;
  }

  /** Multiplies every sum by `f`. */
  protected abstract scale(f: number): void;
}

/**
 * Decayed outcome sums of one (model, task, band), or of a whole (model, task): successes and
 * their latency, failures, quality reports. All sums are as of `at`.
 */
export class Evidence extends DecayedSums {
  /** Decayed count of successful calls. */
  ok = 0;
  /** Decayed sum of their latencies, in ms. */
  latency = 0;
  /** Decayed count of failed calls. */
  failed = 0;
  /** Decayed sum of quality reports (0..1) and their decayed count. */
  quality = 0;
  qualityWeight = 0;

  protected scale(f: number): void {
    this.ok *= f;
    this.latency *= f;
    this.failed *= f;
    this.quality *= f;
    this.qualityWeight *= f;
  }

  addOutcome(ok: boolean, latencyMs: number): void {
    if (ok) {
      if (!Number.isFinite(latencyMs)) return;
      this.ok += 1;
      this.latency += learnedLatency(latencyMs);
    } else this.failed += 1;
  }

  /** The mean latency of the successes, 0..{@link LATENCY_CEILING_MS}; NaN before any. */
  meanMs(): number {
    return this.ok > 0 ? learnedLatency(this.latency / this.ok) : Number.NaN;
  }

  addQuality(q: number): void {
    this.quality += q;
    this.qualityWeight += 1;
  }
}

/**
 * A decayed least-squares fit of latency on output tokens, `latency = baseMs + msPerToken × tokens`,
 * over the calls whose real usage was reported. Sums as of `at`.
 */
export class TokenFit extends DecayedSums {
  n = 0;
  sx = 0;
  sy = 0;
  sxx = 0;
  sxy = 0;

  protected scale(f: number): void {
    this.n *= f;
    this.sx *= f;
    this.sy *= f;
    this.sxx *= f;
    this.sxy *= f;
  }

  add(tokenCount: number, latencyMs: number): void {
    const tokens = learnedTokens(tokenCount);
    const ms = learnedLatency(latencyMs);
    this.n += 1;
    this.sx += tokens;
    this.sy += ms;
    this.sxx += tokens * tokens;
    this.sxy += tokens * ms;
  }

  /**
   * The fit's milliseconds per token, 0..{@link LATENCY_CEILING_MS}. With too little spread in token
   * counts to fit a slope, the whole latency is priced per token (base 0). NaN when there is no
   * sample.
   */
  slope(): number {
    if (!(this.n > 0)) return Number.NaN;
    const meanX = this.sx / this.n;
    const meanY = this.sy / this.n;
    const varX = this.sxx / this.n - meanX * meanX;
    const slope =
      varX > 1e-6 * (meanX * meanX + 1) && varX > 0
        ? (this.sxy / this.n - meanX * meanY) / varX
        : meanX > 0
          ? meanY / meanX
          : 0;
    return learnedLatency(slope);
  }

  /** The fit's fixed milliseconds per call, >= 0, for `slope` (NaN when there is no sample). */
  base(slope: number): number {
    if (!(this.n > 0)) return Number.NaN;
    return learnedLatency(this.sy / this.n - slope * (this.sx / this.n));
  }

  /** `[base, slope]`. */
  fit(): readonly [number, number] {
    const slope = this.slope();
    return [this.base(slope), slope];
  }
}

/** Decayed token calibration of one task type: estimated tokens against the real usage. */
export class TokenCalibration extends DecayedSums {
  /** Decayed sum of the estimates (task profile `tokens`) of calls with real usage. */
  estimated = 0;
  /** Decayed sums of their real prompt and completion tokens. */
  prompt = 0;
  completion = 0;
  /** Decayed count of those calls. */
  n = 0;

  protected scale(f: number): void {
    this.estimated *= f;
    this.prompt *= f;
    this.completion *= f;
    this.n *= f;
  }

  add(estimated: number, prompt: number, completion: number): void {
    this.estimated += learnedTokens(estimated);
    this.prompt += learnedTokens(prompt);
    this.completion += learnedTokens(completion);
    this.n += 1;
  }

  /** Real tokens (`of`: a decayed sum of them) per estimated token, at most {@link TOKEN_CEILING}; NaN without an estimate. */
  per(of: number): number {
    return this.estimated > 0 ? Math.min(of / this.estimated, TOKEN_CEILING) : Number.NaN;
  }
}

/**
 * Decayed latency sums of the whole fleet for one task type (or one of its bands), each latency
 * divided by its model's speed: the level of a model of speed 1, which a model's speed is measured
 * against. `logLatency / n` is the log of its geometric mean, `latency / n` its mean.
 */
export class FleetLevel extends DecayedSums {
  n = 0;
  latency = 0;
  logLatency = 0;

  protected scale(f: number): void {
    this.n *= f;
    this.latency *= f;
    this.logLatency *= f;
  }

  /** One call's latency (already divided by its model's speed) and its log. */
  add(latencyMs: number, logLatency: number): void {
    this.n += 1;
    this.latency += latencyMs;
    this.logLatency += logLatency;
  }
}

/**
 * A model's speed across task types: decayed sums of the log ratio of its latencies to the fleet's
 * geometric mean for the same task (and band). `exp(logRatio / n)` is how many times slower than
 * the fleet it runs (0.5: twice as fast), so what it showed on one task prices it on another.
 */
export class Speed extends DecayedSums {
  n = 0;
  logRatio = 0;

  protected scale(f: number): void {
    this.n *= f;
    this.logRatio *= f;
  }

  /** One call's log ratio, within ±{@link LOG_SPEED_LIMIT}. */
  add(logRatio: number): void {
    this.n += 1;
    this.logRatio += boundedLogSpeed(logRatio);
  }

  /** The speed: `exp(logRatio / n)`, NaN before any call. */
  value(): number {
    if (!(this.n > 0)) return Number.NaN;
    return Math.exp(boundedLogSpeed(this.logRatio / this.n));
  }
}

/** A {@link LearnedStats} the store refreshes in place (a read allocates nothing). */
export type MutableStats = { -readonly [K in keyof LearnedStats]: LearnedStats[K] };

export function newStats(): MutableStats {
  return {
    band: -1,
    bandWeight: 0,
    bandMeanMs: Number.NaN,
    bandFailures: 0,
    taskWeight: 0,
    taskMeanMs: Number.NaN,
    taskFailures: 0,
    quality: Number.NaN,
    qualityWeight: 0,
    tokenBaseMs: Number.NaN,
    msPerOutputToken: Number.NaN,
    tokenWeight: 0,
    outputPerEstimatedToken: Number.NaN,
    realPerEstimatedToken: Number.NaN,
    speed: Number.NaN,
    speedWeight: 0,
    fleetMeanMs: Number.NaN,
  };
}

/** Everything learned of one (model, task): per band, the task as a whole, and the token fit. */
export class PairLearning {
  readonly bands: Evidence[] = Array.from({ length: COMPLEXITY_BANDS }, () => new Evidence());
  readonly all = new Evidence();
  readonly tokens = new TokenFit();
  /**
   * The last view read per band (index band + 1; 0 for an unknown complexity), with the store's
   * shared version and the time it was made for.
   */
  readonly views: MutableStats[] = [newStats(), newStats(), newStats(), newStats(), newStats()];
  readonly viewShared: number[] = [-1, -1, -1, -1, -1];
  readonly viewAt: number[] = [0, 0, 0, 0, 0];
}

/** Whether a token count is usable: a finite number >= 0. */
export const isTokenCount = (x: unknown): x is number =>
  typeof x === 'number' && Number.isFinite(x) && x >= 0;
