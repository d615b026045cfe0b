import type { LanguageModelV4GenerateResult, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import {
  resultParts,
  resultStream,
} from '../../../../src/integrations/ai-sdk/internal/resultStream.js';

const result: LanguageModelV4GenerateResult = {
  content: [
    { type: 'reasoning', text: 'thinking' },
    { type: 'text', text: 'hello' },
    { type: 'tool-call', toolCallId: 't1', toolName: 'search', input: '{"q":"x"}' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: {
    inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 2, text: 2, reasoning: undefined },
  },
  warnings: [],
  response: { modelId: 'm-1' },
  providerMetadata: { zeta: { model: 'm' } },
};

describe('resultParts', () => {
  it('replays a generate result: start, metadata, each part, finish', () => {
    expect(resultParts(result).map((p) => p.type)).toEqual([
      'stream-start',
      'response-metadata',
      'reasoning-start',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
      'text-delta',
      'text-end',
      'tool-call',
      'finish',
    ]);
    const parts = resultParts(result);
    expect(parts).toContainEqual({ type: 'text-delta', id: '1', delta: 'hello' });
    expect(parts).toContainEqual({ type: 'response-metadata', modelId: 'm-1' });
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      providerMetadata: { zeta: { model: 'm' } },
    });
  });

  it('streams the same parts, then closes', async () => {
    const seen: LanguageModelV4StreamPart[] = [];
    for await (const part of resultStream(result)) seen.push(part);
    expect(seen).toEqual(resultParts(result));
  });
});
