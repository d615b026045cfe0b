import type { InMemoryLoadTrackerOptions } from '../InMemoryLoadTracker.js';

/** Options with every default filled in. */
export type ResolvedLoadTrackerOptions = Readonly<Required<InMemoryLoadTrackerOptions>>;

interface Rule {
  /** What a valid value is, completing "must be …". */
  readonly expect: string;
  readonly test: (value: number) => boolean;
}

const finiteAtLeast = (min: number): Rule => ({
  expect: `a finite number >= ${min}`,
  test: (v) => Number.isFinite(v) && v >= min,
});
const finitePositive: Rule = {
  expect: 'a finite number > 0',
  test: (v) => Number.isFinite(v) && v > 0,
};
const integerBetween = (min: number, max: number): Rule => ({
  expect: `an integer from ${min} to ${max}`,
  test: (v) => Number.isInteger(v) && v >= min && v <= max,
});
const fraction: Rule = {
  expect: 'a number > 0 and <= 1',
  test: (v) => v > 0 && v <= 1,
};

/** One rule per option; the mapped type makes the compiler keep it exhaustive. */
const RULES: { readonly [K in keyof InMemoryLoadTrackerOptions]-?: Rule } = {
  windowMs: finiteAtLeast(1),
  buckets: integerBetween(1, 100),
  compression: {
    expect: 'a number from 0.001 to 1',
    test: (v) => v >= 0.001 && v <= 1,
  },
  refreshEvery: integerBetween(1, 10_000),
  refreshMs: finiteAtLeast(0),
  errorHalfLife: finitePositive,
  rateHalfLifeMs: finitePositive,
  horizonMs: finiteAtLeast(0),
  forecastIntervalMs: finiteAtLeast(1),
  forecastAlpha: fraction,
  forecastBeta: fraction,
};

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  return typeof value;
}

/**
 * Merges `options` over `defaults` and validates the result, listing every problem at once.
 * Keys set to `undefined` count as absent.
 *
 * @throws RangeError naming each bad option, what it must be and the value received, or an
 * unknown option key.
 */
export function resolveOptions(
  options: InMemoryLoadTrackerOptions | undefined,
  defaults: ResolvedLoadTrackerOptions,
): ResolvedLoadTrackerOptions {
  const problems: string[] = [];
  const merged: Record<string, unknown> = { ...defaults };
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) {
      throw new RangeError(
        `InMemoryLoadTracker: options must be an object or undefined, received ${show(options)}`,
      );
    }
    for (const [key, value] of Object.entries(options)) {
      if (!Object.hasOwn(RULES, key)) {
        problems.push(`unknown option \`${key}\``);
      } else if (value !== undefined) {
        merged[key] = value;
      }
    }
  }
  for (const [key, rule] of Object.entries(RULES) as [string, Rule][]) {
    const value = merged[key];
    if (typeof value !== 'number' || !rule.test(value)) {
      problems.push(`option \`${key}\` must be ${rule.expect}, received ${show(value)}`);
    }
  }
  const resolved = merged as unknown as ResolvedLoadTrackerOptions;
  if (problems.length === 0 && resolved.windowMs / resolved.buckets < 1) {
    problems.push(
      `option \`windowMs\` / \`buckets\` must be >= 1 ms per bucket, received ${resolved.windowMs} / ${resolved.buckets}`,
    );
  }
  if (problems.length > 0) throw new RangeError(`InMemoryLoadTracker: ${problems.join('; ')}`);
  return Object.freeze(resolved);
}
