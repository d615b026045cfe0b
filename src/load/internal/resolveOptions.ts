import { type NumberRule, resolveNumericOptions, rules } from '../../utils/options.js';
import type { InMemoryLoadTrackerOptions } from '../InMemoryLoadTrackerOptions.js';

/** Options with every default filled in. */
export type ResolvedLoadTrackerOptions = Readonly<Required<InMemoryLoadTrackerOptions>>;

/** One rule per option; the mapped type makes the compiler keep it exhaustive. */
const RULES: { readonly [K in keyof InMemoryLoadTrackerOptions]-?: NumberRule } = {
  windowMs: rules.finiteAtLeast(1),
  buckets: rules.integerBetween(1, 100),
  compression: rules.between(0.001, 1),
  refreshEvery: rules.integerBetween(1, 10_000),
  refreshMs: rules.finiteAtLeast(0),
  errorHalfLife: rules.finitePositive,
  errorDecayMs: { expect: 'a number > 0 (Infinity for no fading)', test: (v) => v > 0 },
  maxTaskTypes: rules.integerBetween(1, 100_000),
  rateHalfLifeMs: rules.finitePositive,
  horizonMs: rules.finiteAtLeast(0),
  forecastIntervalMs: rules.finiteAtLeast(1),
  forecastAlpha: rules.fraction,
  forecastBeta: rules.fraction,
  learnHalfLifeMs: rules.finitePositive,
};

/**
 * Merges `options` over `defaults` and validates the result, listing every problem at once.
 * Keys set to `undefined` count as absent.
 *
 * @throws {ZetaError} `CONFIG_INVALID` naming each bad option, what it must be and the value
 * received, and each unknown option key.
 */
export function resolveOptions(
  options: InMemoryLoadTrackerOptions | undefined,
  defaults: ResolvedLoadTrackerOptions,
): ResolvedLoadTrackerOptions {
  return resolveNumericOptions(
    'InMemoryLoadTracker options',
    options,
    { ...defaults },
    RULES,
    (o) =>
      o.windowMs / o.buckets < 1
        ? [
            `\`windowMs\` / \`buckets\` must be >= 1 ms per bucket, got ${o.windowMs} / ${o.buckets}`,
          ]
        : [],
  );
}
