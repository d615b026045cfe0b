import { throwIfProblems } from '../../utils/options.js';
import { callbackProblems, isRecord, mustBe, optionsProblems } from '../internal/check.js';
import type { SimRequest } from '../types.js';
import {
  type AzureTraceCommonOptions,
  COMMON_KEYS,
  commonProblems,
  earliest,
  firstRows,
  toRequests,
} from './azureRequests.js';
import type { AzureTraceRow } from './azureRows.js';

/** One Azure trace CSV as requests. */

/** Options of {@link readAzureTrace}: a fixed task type, or a function choosing one per row. */
export type ReadAzureTraceOptions = AzureTraceCommonOptions &
  (
    | {
        /** Task type of every request. */
        readonly type: string;
      }
    | {
        /** Chooses the task type of each row. */
        readonly splitBy: (row: AzureTraceRow) => string;
      }
  );

/**
 * Reads an Azure LLM inference trace CSV as requests. `t` is measured from the earliest row (the
 * first row in the published files) and divided by `compress`; `tokens` is prompt plus generated
 * tokens and `outputTokens` the generated ones. Requests are sorted by `t` and numbered 0, 1, 2….
 *
 * @throws TraceError for a malformed CSV (line and column named) or a row beyond the 1e12 ms
 * horizon; ZetaError `CONFIG_INVALID` "Invalid readAzureTrace options" listing every bad option
 * (unknown keys, neither or both of `type` and `splitBy`, `compress` outside 0.001 to 1,000,000,
 * a `limit` that is not an integer >= 0).
 * @example
 * const requests = readAzureTrace(readFileSync('code.csv', 'utf8'), { type: 'code', compress: 10 });
 */
export function readAzureTrace(csvText: string, options: ReadAzureTraceOptions): SimRequest[] {
  const problems = optionsProblems(options, [...COMMON_KEYS, 'type', 'splitBy']);
  if (typeof csvText !== 'string') problems.push(mustBe('csvText', 'a string', csvText));
  if (isRecord(options)) {
    problems.push(...commonProblems(options));
    const { type, splitBy } = options as Record<string, unknown>;
    if ((type === undefined) === (splitBy === undefined))
      problems.push('give exactly one of `type` (a task type) and `splitBy` (a function)');
    if (type !== undefined && !(typeof type === 'string' && type !== ''))
      problems.push(mustBe('type', 'a non-empty string', type));
    problems.push(...callbackProblems(splitBy, 'splitBy'));
  }
  throwIfProblems('readAzureTrace options', problems);
  const rows = firstRows(csvText, options.limit);
  const typeOf = 'splitBy' in options ? options.splitBy : () => options.type;
  return toRequests(
    rows.map((row) => ({ row, type: typeOf(row) })),
    earliest(rows),
    options,
  );
}
