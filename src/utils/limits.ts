/**
 * The bounds of what the router learns and prices, so a clock jump, a wrong unit or an absurd
 * token count reported by a client cannot overflow a sum or a score.
 */

/**
 * The longest latency one call teaches, in ms (about 11.6 days): a longer one counts as this, so
 * decayed sums stay finite, and no mean or expected service time is above it.
 */
export const LATENCY_CEILING_MS = 1e9;
/** The largest token count one call teaches or a request is priced at. */
export const TOKEN_CEILING = 1e9;
/** The largest |log| of a model's speed: at most 1e9 times slower or faster than the fleet. */
export const LOG_SPEED_LIMIT = Math.log(LATENCY_CEILING_MS);

/** A latency as learned: within 0..{@link LATENCY_CEILING_MS} (NaN stays NaN). */
export const learnedLatency = (ms: number): number => Math.min(Math.max(ms, 0), LATENCY_CEILING_MS);

/** A token count as learned: at most {@link TOKEN_CEILING}. */
export const learnedTokens = (n: number): number => Math.min(n, TOKEN_CEILING);

/** A log speed within ±{@link LOG_SPEED_LIMIT}. */
export const boundedLogSpeed = (x: number): number =>
  Math.min(Math.max(x, -LOG_SPEED_LIMIT), LOG_SPEED_LIMIT);
