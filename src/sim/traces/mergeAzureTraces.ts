import { throwIfProblems } from '../../utils/options.js';
import { isNum, isRecord, mustBe, optionsProblems } from '../internal/check.js';
import type { SimRequest } from '../types.js';
import {
  type AzureTraceCommonOptions,
  COMMON_KEYS,
  commonProblems,
  earliest,
  firstRows,
  toRequests,
} from './azureRequests.js';

/** The Azure code and conversation traces merged into one request stream. */

/**
 * Prompt-token threshold of {@link mergeAzureTraces}: conversation rows with more prompt tokens
 * than this are `reasoning`, the others `simple`. 2,048 sits near the 85th percentile of the 2023
 * conversation trace (median ≈ 1,020), so long-context conversations, about one in seven, count as
 * reasoning.
 */
export const AZURE_REASONING_PROMPT_TOKENS = 2048;

/** Options of {@link mergeAzureTraces}. */
export interface MergeAzureTracesOptions extends AzureTraceCommonOptions {
  /**
   * Conversation rows with more prompt tokens than this are `reasoning`, the rest `simple`.
   * @default AZURE_REASONING_PROMPT_TOKENS (2,048)
   */
  readonly reasoningPromptTokens?: number;
}

/**
 * Merges the code and conversation traces of the Azure LLM inference dataset into one request
 * stream on a common time base (both measured from the earliest row of either file): code rows
 * become `code` requests; conversation rows become `reasoning` when their prompt exceeds
 * `reasoningPromptTokens` (default {@link AZURE_REASONING_PROMPT_TOKENS}) and `simple` otherwise.
 * Complexity comes from tokens on a log scale ({@link azureComplexity}).
 *
 * @throws TraceError for a malformed CSV (line and column named) or a row beyond the 1e12 ms
 * horizon; ZetaError `CONFIG_INVALID` "Invalid mergeAzureTraces options" listing every bad
 * option or argument (unknown keys, `csv` without string `code` and `conv`, `compress` outside
 * 0.001 to 1,000,000, a negative `reasoningPromptTokens`).
 * @example
 * const dir = '/work/shared/traces/azure-llm-2023';
 * const requests = mergeAzureTraces({
 *   code: readFileSync(`${dir}/code.csv`, 'utf8'),
 *   conv: readFileSync(`${dir}/conv.csv`, 'utf8'),
 * }, { compress: 10 });
 */
export function mergeAzureTraces(
  csv: { readonly code: string; readonly conv: string },
  options: MergeAzureTracesOptions = {},
): SimRequest[] {
  const problems = optionsProblems(csv, ['code', 'conv'], { where: 'csv.' });
  const texts: unknown = csv;
  if (isRecord(texts)) {
    for (const key of ['code', 'conv'])
      if (typeof texts[key] !== 'string')
        problems.push(mustBe(`csv.${key}`, 'a string (CSV text)', texts[key]));
  }
  problems.push(
    ...optionsProblems(options, [...COMMON_KEYS, 'reasoningPromptTokens'], { optional: true }),
  );
  if (isRecord(options)) {
    problems.push(...commonProblems(options));
    const r = (options as Record<string, unknown>)['reasoningPromptTokens'];
    if (r !== undefined && !(isNum(r) && r >= 0))
      problems.push(mustBe('reasoningPromptTokens', 'a finite number >= 0', r));
  }
  throwIfProblems('mergeAzureTraces options', problems);
  const threshold = options.reasoningPromptTokens ?? AZURE_REASONING_PROMPT_TOKENS;
  const code = firstRows(csv.code, options.limit);
  const conv = firstRows(csv.conv, options.limit);
  const origin = Math.min(earliest(code), earliest(conv));
  return toRequests(
    [
      ...code.map((row) => ({ row, type: 'code' })),
      ...conv.map((row) => ({ row, type: row.contextTokens > threshold ? 'reasoning' : 'simple' })),
    ],
    origin,
    options,
  );
}
