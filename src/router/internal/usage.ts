import type { TokenUsage } from '../../types.js';

/** A token count as reported: a finite number >= 0 (fractions are kept: the client said so). */
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * A plain copy of a reported token usage, or `undefined` when it is not one: not an object, a
 * count missing, NaN, infinite or negative, or a getter that throws. Read once, so a hostile
 * object cannot change what was checked. A bad report never breaks a request: it is ignored.
 */
export function readUsage(value: unknown): TokenUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let promptTokens: unknown;
  let completionTokens: unknown;
  try {
    ({ promptTokens, completionTokens } = value as Record<string, unknown>);
  } catch {
    return undefined;
  }
  if (!isCount(promptTokens) || !isCount(completionTokens)) return undefined;
  // + 0 turns a -0 into 0: totals (0 + -0 = 0) and the usage reported then read the same.
  return { promptTokens: promptTokens + 0, completionTokens: completionTokens + 0 };
}

/**
 * What a model's `usage(result)` reads from a call's result, checked by {@link readUsage};
 * `undefined` when it throws or returns something that is not a usage.
 */
export function usageOf(
  read: (result: unknown) => unknown,
  result: unknown,
): TokenUsage | undefined {
  try {
    return readUsage(read(result));
  } catch {
    return undefined;
  }
}
