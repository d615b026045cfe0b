import { describeValue } from '../../utils/options.js';
import { callbackProblems, isNum, MAX_TIME_MS, mustBe } from '../internal/check.js';
import type { SimRequest } from '../types.js';
import { type AzureTraceRow, parseAzureTraceRows } from './azureRows.js';
import { numbered } from './internal/reader.js';
import { TraceError } from './TraceError.js';

/**
 * Azure trace rows as requests: the options both Azure readers share, their checks, and the
 * conversion (time base, compression, complexity).
 */

/** Tokens mapping to complexity 0 in {@link azureComplexity} (2^6). */
const COMPLEXITY_MIN_TOKENS = 64;
/** Doublings from complexity 0 to 1 in {@link azureComplexity} (64 → 65,536 tokens). */
const COMPLEXITY_DOUBLINGS = 10;

/**
 * Complexity from tokens on a log scale: `(log2(tokens) − 6) / 10` clamped to [0, 1], i.e. 64
 * tokens or fewer → 0, 2,048 → 0.5, 8,192 → 0.7, 65,536 or more → 1. In the 2023 Azure trace this
 * puts the median code request (≈1,500 tokens) near 0.45 and every code request below 0.7.
 *
 * @param tokens - Prompt plus generated tokens.
 */
export function azureComplexity(tokens: number): number {
  if (!(tokens > COMPLEXITY_MIN_TOKENS)) return 0;
  return Math.min(1, Math.log2(tokens / COMPLEXITY_MIN_TOKENS) / COMPLEXITY_DOUBLINGS);
}

/** Options shared by {@link readAzureTrace} and {@link mergeAzureTraces}. */
export interface AzureTraceCommonOptions {
  /**
   * Time compression: arrival times are divided by this factor (> 0), so 10 replays an hour in
   * six minutes at ten times the rate.
   * @default 1
   */
  readonly compress?: number;
  /** Complexity of a row. @default azureComplexity(contextTokens + generatedTokens) */
  readonly complexity?: (row: AzureTraceRow) => number;
  /** Priority of every request. @default 0 */
  readonly priority?: number;
  /** Keep only the first `limit` rows (in file order) of each CSV. @default Infinity */
  readonly limit?: number;
}

/** Bounds of the `compress` option (the `zeta-sim --compress` flag takes the same). */
export const MIN_COMPRESS = 0.001;
export const MAX_COMPRESS = 1_000_000;

export const COMMON_KEYS = [
  'compress',
  'complexity',
  'priority',
  'limit',
] as const satisfies ReadonlyArray<keyof AzureTraceCommonOptions>;

/** Problems of the options shared by the Azure readers (unknown keys checked by the caller). */
export function commonProblems(options: Record<string, unknown>): string[] {
  const { compress, limit, priority, complexity } = options;
  const problems: string[] = [];
  if (
    compress !== undefined &&
    !(isNum(compress) && compress >= MIN_COMPRESS && compress <= MAX_COMPRESS)
  )
    problems.push(mustBe('compress', `a number from ${MIN_COMPRESS} to ${MAX_COMPRESS}`, compress));
  if (
    limit !== undefined &&
    !((Number.isInteger(limit) && (limit as number) >= 0) || limit === Number.POSITIVE_INFINITY)
  )
    problems.push(mustBe('limit', 'an integer >= 0 or Infinity', limit));
  if (priority !== undefined && !isNum(priority))
    problems.push(mustBe('priority', 'a finite number', priority));
  problems.push(...callbackProblems(complexity, 'complexity'));
  return problems;
}

export function toRequests(
  rows: ReadonlyArray<{ row: AzureTraceRow; type: string }>,
  origin: number,
  options: AzureTraceCommonOptions,
): SimRequest[] {
  const compress = options.compress ?? 1;
  const priority = options.priority ?? 0;
  const complexityOf =
    options.complexity ??
    ((r: AzureTraceRow) => azureComplexity(r.contextTokens + r.generatedTokens));
  return numbered(
    rows.map(({ row, type }) => {
      if (typeof type !== 'string' || type === '') {
        throw new TraceError(
          row.line,
          'type',
          `option splitBy returned ${describeValue(type)}, expected a non-empty string`,
        );
      }
      const t = (row.timestamp - origin) / compress;
      if (!(t <= MAX_TIME_MS)) {
        throw new TraceError(
          row.line,
          'TIMESTAMP',
          `is ${row.timestamp - origin} ms after the earliest row${compress === 1 ? '' : ` (${t} ms compressed by ${compress})`}, beyond the ${MAX_TIME_MS} ms horizon`,
        );
      }
      const complexity = complexityOf(row);
      if (!(complexity >= 0 && complexity <= 1)) {
        throw new TraceError(
          row.line,
          'complexity',
          `option returned ${complexity}, expected a number in [0, 1]`,
        );
      }
      return {
        t,
        type,
        complexity,
        tokens: row.contextTokens + row.generatedTokens,
        outputTokens: row.generatedTokens,
        priority,
      };
    }),
  );
}

export function firstRows(csvText: string, limit: number | undefined): AzureTraceRow[] {
  const rows = parseAzureTraceRows(csvText);
  return limit === undefined || limit >= rows.length ? rows : rows.slice(0, limit);
}

export function earliest(rows: readonly AzureTraceRow[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const r of rows) if (r.timestamp < min) min = r.timestamp;
  return min;
}
