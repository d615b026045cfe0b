import type { EmbeddingModelV4Result, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { TokenUsage } from '../../../types.js';

/** The router's token usage of an AI SDK language model's usage (both totals known), else undefined. */
export function languageUsage(usage: LanguageModelV4Usage | undefined): TokenUsage | undefined {
  const promptTokens = usage?.inputTokens?.total;
  const completionTokens = usage?.outputTokens?.total;
  if (promptTokens === undefined || completionTokens === undefined) return undefined;
  return { promptTokens, completionTokens };
}

/** The router's token usage of an AI SDK embedding result (its `usage.tokens` as prompt tokens). */
export function embeddingUsage(result: EmbeddingModelV4Result): TokenUsage | undefined {
  const tokens = result.usage?.tokens;
  return tokens === undefined ? undefined : { promptTokens: tokens, completionTokens: 0 };
}
