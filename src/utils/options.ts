import { ZetaError } from '../errors/ZetaError.js';

/**
 * Option checking shared by the router and every exported factory: each lists every problem at
 * once and throws one `ZetaError` with code `CONFIG_INVALID`, in the same form everywhere.
 */

/** Describes a received value for an error message: short, and never throws (not even for a revoked Proxy). */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === 'string')
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return String(value);
    if (value === null || value === undefined) return String(value);
    if (typeof value === 'function') return 'a function';
    if (Array.isArray(value)) return `an array of ${value.length}`;
    if (value instanceof RegExp) return `a RegExp ${String(value)}`;
    return typeof value === 'object' ? 'an object' : typeof value;
  } catch {
    return 'an unreadable value';
  }
}

/**
 * The `CONFIG_INVALID` error for `problems` found in `subject` (e.g. "router options", "adaptive
 * strategy options"): one line per problem, each naming the option, what it must be and the value
 * received.
 */
export function configInvalid(subject: string, problems: readonly string[]): ZetaError {
  // The message stays readable for a fleet of thousands of bad configs; `problems` has them all.
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - shown.length;
  const tail = more > 0 ? `\n- and ${more} more (see \`problems\`)` : '';
  return new ZetaError('CONFIG_INVALID', `Invalid ${subject}:\n- ${shown.join('\n- ')}${tail}`, {
    problems,
  });
}

/** Problems a `CONFIG_INVALID` message lists before counting the rest. */
const MAX_LISTED_PROBLEMS = 20;

/** Throws {@link configInvalid} when `problems` is not empty. */
export function throwIfProblems(subject: string, problems: readonly string[]): void {
  if (problems.length > 0) throw configInvalid(subject, problems);
}

/**
 * Problems for keys of `options` that are not in `known` (a typo such as `costweight` is an
 * error, never silently ignored). `where` prefixes the key, e.g. `health.`.
 */
export function unknownKeyProblems(
  options: object,
  known: readonly string[],
  where = '',
): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push(
        `unknown option \`${where}${key}\`${near === undefined ? '' : ` (did you mean \`${where}${near}\`?)`} (known: ${known.join(', ')})`,
      );
    }
  }
  return problems;
}

/** A check for one numeric option: what a valid value is ("must be …") and the test. */
export interface NumberRule {
  readonly expect: string;
  readonly test: (value: number) => boolean;
}

/** Common numeric rules. */
export const rules = {
  finitePositive: { expect: 'a finite number > 0', test: (v) => Number.isFinite(v) && v > 0 },
  finite: { expect: 'a finite number', test: (v) => Number.isFinite(v) },
  finiteAtLeast: (min: number): NumberRule => ({
    expect: `a finite number >= ${min}`,
    test: (v) => Number.isFinite(v) && v >= min,
  }),
  atLeast: (min: number): NumberRule => ({ expect: `a number >= ${min}`, test: (v) => v >= min }),
  integerAtLeast: (min: number): NumberRule => ({
    expect: `an integer >= ${min}`,
    test: (v) => Number.isInteger(v) && v >= min,
  }),
  integerBetween: (min: number, max: number): NumberRule => ({
    expect: `an integer from ${min} to ${max}`,
    test: (v) => Number.isInteger(v) && v >= min && v <= max,
  }),
  between: (min: number, max: number): NumberRule => ({
    expect: `a number from ${min} to ${max}`,
    test: (v) => v >= min && v <= max,
  }),
  /** In (0, 1]. */
  fraction: { expect: 'a number > 0 and <= 1', test: (v) => v > 0 && v <= 1 },
} satisfies Record<string, NumberRule | ((...args: number[]) => NumberRule)>;

/**
 * Merges a numeric options object over `defaults` (keys set to `undefined` count as absent),
 * checks every key against `ruleSet` and returns the frozen result, or throws `CONFIG_INVALID`
 * listing every problem: unknown keys, non-numbers, values out of range. `extra` adds checks that
 * span several options; it runs only when each option is valid on its own.
 */
export function resolveNumericOptions<T extends Record<string, number>>(
  subject: string,
  options: unknown,
  defaults: T,
  ruleSet: { readonly [K in keyof T]: NumberRule },
  extra?: (resolved: T) => readonly string[],
): Readonly<T> {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw configInvalid(subject, [
      `options must be an object or undefined, got ${describeValue(options)}`,
    ]);
  }
  const known = Object.keys(ruleSet);
  const merged: Record<string, unknown> = { ...defaults };
  const problems: string[] = [];
  if (options !== undefined) {
    problems.push(...unknownKeyProblems(options, known));
    for (const key of known) {
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined) merged[key] = value;
    }
  }
  for (const key of known) {
    const value = merged[key];
    const rule = ruleSet[key as keyof T];
    if (typeof value !== 'number' || Number.isNaN(value) || !rule.test(value)) {
      problems.push(`\`${key}\` must be ${rule.expect}, got ${describeValue(value)}`);
    }
  }
  if (problems.length === 0 && extra !== undefined) problems.push(...extra(merged as T));
  throwIfProblems(subject, problems);
  return Object.freeze(merged as T);
}
