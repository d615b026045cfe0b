/**
 * Turning what a classifier found into a task profile: the complexity formula, the token estimate
 * and the option checks shared by the learned and the embedding classifiers. Not public API.
 */
import type { TaskProfile } from '../../types.js';
import { describeValue } from '../../utils/options.js';

/** Weight of the learned difficulty in the complexity; the length term gets the rest. */
export const DIFFICULTY_WEIGHT = 0.75;
/** Prompt tokens at which the length term reaches 1. */
export const LENGTH_SATURATION_TOKENS = 8192;
/** Expected output tokens of a label that has no entry in `outputTokens`. */
export const DEFAULT_OUTPUT_TOKENS = 512;

/** `log(1 + tokens) / log(1 + 8192)`, capped at 1. */
export const lengthTerm = (promptTokens: number): number =>
  Math.min(1, Math.log1p(Math.max(0, promptTokens)) / Math.log1p(LENGTH_SATURATION_TOKENS));

/**
 * `0.75 × difficulty + 0.25 × length` when there is a difficulty, else `0.25 × length`; in [0, 1].
 */
export function complexityOf(difficulty: number | undefined, promptTokens: number): number {
  const length = (1 - DIFFICULTY_WEIGHT) * lengthTerm(promptTokens);
  const value = difficulty === undefined ? length : DIFFICULTY_WEIGHT * difficulty + length;
  return Number.isNaN(value) ? 0 : Math.min(1, Math.max(0, value));
}

/** A token count: an integer from 1 to `Number.MAX_SAFE_INTEGER`. */
export const toTokenCount = (x: number): number =>
  Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, Math.ceil(Number.isNaN(x) ? 1 : x)));

/** Options every built-in learned classifier shares. */
export interface ProfileConfig {
  readonly charsPerToken: number;
  readonly outputTokens: Readonly<Record<string, number>>;
  readonly priority: number;
  readonly isEmbedding: ((req: unknown) => boolean) | undefined;
}

/** Builds a profile. */
export function makeProfile(
  config: ProfileConfig,
  type: string,
  difficulty: number | undefined,
  chars: number,
  tokenIds: number,
): TaskProfile {
  const promptTokens = Math.ceil(chars / config.charsPerToken) + tokenIds;
  return {
    type,
    complexity: complexityOf(difficulty, promptTokens),
    tokens: toTokenCount(promptTokens + (config.outputTokens[type] ?? DEFAULT_OUTPUT_TOKENS)),
    priority: config.priority,
  };
}

/** Runs the app's `isEmbedding` predicate; a throwing one counts as `false`. */
export function embeddingByPredicate(config: ProfileConfig, req: unknown): boolean {
  if (config.isEmbedding === undefined) return false;
  try {
    return config.isEmbedding(req) === true;
  } catch {
    return false;
  }
}

/** Checks and resolves `charsPerToken`, `outputTokens`, `priority` and `isEmbedding`. */
export function resolveProfileConfig(
  problems: string[],
  o: {
    readonly charsPerToken?: unknown;
    readonly outputTokens?: unknown;
    readonly priority?: unknown;
    readonly isEmbedding?: unknown;
  },
  defaults: Readonly<Record<string, number>>,
): ProfileConfig {
  const charsPerToken = o.charsPerToken ?? 4;
  if (typeof charsPerToken !== 'number' || !Number.isFinite(charsPerToken) || charsPerToken <= 0) {
    problems.push(
      `\`charsPerToken\` must be a finite number > 0, got ${describeValue(charsPerToken)}`,
    );
  }
  const priority = o.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    problems.push(`\`priority\` must be a finite number, got ${describeValue(priority)}`);
  }
  const outputTokens: Record<string, number> = { ...defaults };
  const given = o.outputTokens ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push(
      `\`outputTokens\` must be an object keyed by task type, got ${describeValue(given)}`,
    );
  } else {
    for (const [key, count] of Object.entries(given)) {
      if (count === undefined) continue;
      if (typeof count === 'number' && Number.isInteger(count) && count >= 0)
        outputTokens[key] = count;
      else {
        problems.push(
          `\`outputTokens.${key}\` must be an integer >= 0, got ${describeValue(count)}`,
        );
      }
    }
  }
  const isEmbedding = o.isEmbedding;
  if (isEmbedding !== undefined && typeof isEmbedding !== 'function') {
    problems.push(`\`isEmbedding\` must be a function, got ${describeValue(isEmbedding)}`);
  }
  return {
    charsPerToken: typeof charsPerToken === 'number' ? charsPerToken : 4,
    outputTokens: Object.freeze(outputTokens),
    priority: typeof priority === 'number' ? priority : 0,
    isEmbedding:
      typeof isEmbedding === 'function' ? (isEmbedding as (req: unknown) => boolean) : undefined,
  };
}
