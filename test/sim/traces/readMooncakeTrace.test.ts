import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MOONCAKE_REASONING_PROMPT_TOKENS,
  mooncakeComplexity,
  readMooncakeTrace,
} from '../../../src/sim/traces/readMooncakeTrace.js';
import { configError } from '../../helpers/configError.js';
import { errorOf } from './fixture.js';

/** Four rows in the published format (made up, not copied from the trace). */
const TRACE = [
  '{"timestamp": 0, "input_length": 6000, "output_length": 400, "hash_ids": [0, 1, 2]}',
  '{"timestamp": 0, "input_length": 40000, "output_length": 300, "hash_ids": [0, 3]}',
  '',
  '{"timestamp": 3000, "input_length": 500, "output_length": 20, "hash_ids": []}\r',
  '{"timestamp": 6000, "input_length": 32768, "output_length": 1}',
].join('\n');

describe('mooncakeComplexity', () => {
  it('is a log scale from 1,024 tokens (0) to 131,072 (1), monotone and clamped', () => {
    expect(mooncakeComplexity(0)).toBe(0);
    expect(mooncakeComplexity(1024)).toBe(0);
    expect(mooncakeComplexity(131_072)).toBe(1);
    expect(mooncakeComplexity(1e7)).toBe(1);
    expect(mooncakeComplexity(Math.round(1024 * 2 ** 3.5))).toBeCloseTo(0.5, 3);
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(mooncakeComplexity(lo)).toBeLessThanOrEqual(mooncakeComplexity(hi));
        expect(mooncakeComplexity(lo)).toBeGreaterThanOrEqual(0);
        expect(mooncakeComplexity(hi)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('readMooncakeTrace', () => {
  it('maps rows to requests: type by prompt size, tokens, complexity, times in their slot', () => {
    const requests = readMooncakeTrace(TRACE);
    expect(requests.map((r) => r.id)).toEqual([0, 1, 2, 3]);
    const byTokens = new Map(requests.map((r) => [r.tokens, r]));
    expect(byTokens.get(6400)).toMatchObject({ type: 'simple', outputTokens: 400, priority: 0 });
    expect(byTokens.get(40_300)!.type).toBe('reasoning');
    // The threshold is "more than": exactly 32,768 prompt tokens stays simple.
    expect(byTokens.get(MOONCAKE_REASONING_PROMPT_TOKENS + 1)!.type).toBe('simple');
    expect(byTokens.get(6400)!.complexity).toBe(mooncakeComplexity(6400));
    for (const [tokens, slot] of [
      [6400, 0],
      [40_300, 0],
      [520, 3000],
      [32_769, 6000],
    ] as const) {
      const t = byTokens.get(tokens)!.t;
      expect(t).toBeGreaterThanOrEqual(slot);
      expect(t).toBeLessThan(slot + 3000);
    }
    for (let i = 1; i < requests.length; i++)
      expect(requests[i]!.t).toBeGreaterThanOrEqual(requests[i - 1]!.t);
  });

  it('is seeded: the same seed gives the same times, slotMs 0 keeps them, compress divides', () => {
    expect(readMooncakeTrace(TRACE, { seed: 5 })).toEqual(readMooncakeTrace(TRACE, { seed: 5 }));
    expect(readMooncakeTrace(TRACE, { seed: 5 })).not.toEqual(
      readMooncakeTrace(TRACE, { seed: 6 }),
    );
    expect(readMooncakeTrace(TRACE, { slotMs: 0 }).map((r) => r.t)).toEqual([0, 0, 3000, 6000]);
    expect(readMooncakeTrace(TRACE, { slotMs: 0, compress: 10 }).map((r) => r.t)).toEqual([
      0, 0, 300, 600,
    ]);
  });

  it('takes a threshold, a complexity function, a priority and a row limit', () => {
    const requests = readMooncakeTrace(TRACE, {
      reasoningPromptTokens: 1000,
      complexity: (row) => (row.blocks > 2 ? 1 : 0),
      priority: 2,
      limit: 2,
      slotMs: 0,
    });
    expect(requests.map((r) => [r.type, r.complexity, r.priority])).toEqual([
      ['reasoning', 1, 2],
      ['reasoning', 0, 2],
    ]);
  });

  it.each([
    ['nope', undefined, 'line 1: is not valid JSON'],
    ['[1]', undefined, 'line 1: must be a JSON object, got [1]'],
    [
      '{"timestamp": 0, "input_length": 1, "output_length": 1, "prompt": "x"}',
      'prompt',
      "line 1: field 'prompt' is unknown",
    ],
    [
      '{"timestamp": -5, "input_length": 1, "output_length": 1}',
      'timestamp',
      "line 1: field 'timestamp' must be a number from 0 to 1000000000000 (milliseconds), got -5",
    ],
    [
      '{"timestamp": 0, "input_length": 1.5, "output_length": 1}',
      'input_length',
      "line 1: field 'input_length' must be an integer from 0 to 10000000, got 1.5",
    ],
    [
      '{"timestamp": 0, "input_length": 10000000, "output_length": 1}',
      'output_length',
      "line 1: field 'output_length' must be an integer from 0 to 0, got 1",
    ],
    [
      '{"timestamp": 0, "input_length": 1, "output_length": 1, "hash_ids": 3}',
      'hash_ids',
      "line 1: field 'hash_ids' must be an array of block ids, got 3",
    ],
  ])('names the line and field of a bad row: %s', (row, field, message) => {
    const error = errorOf(() => readMooncakeTrace(row));
    expect(error.field).toBe(field);
    expect(error.line).toBe(1);
    expect(error.message).toContain(message);
  });

  it('rejects a complexity function returning a value outside [0, 1]', () => {
    const error = errorOf(() => readMooncakeTrace(TRACE, { complexity: () => 2 }));
    expect(error.message).toBe(
      "line 1: field 'complexity' option returned 2, expected a number in [0, 1]",
    );
  });

  it('lists every bad option at once, unknown keys included', () => {
    const error = configError(() =>
      readMooncakeTrace(TRACE, {
        compress: 0,
        reasoningPromptTokens: -1,
        slotMs: Number.NaN,
        seed: 1.5,
        complexity: 'log' as never,
        priority: Number.POSITIVE_INFINITY,
        limit: -1,
        sed: 1,
      } as never),
    );
    expect(error.message).toMatch(/^Invalid readMooncakeTrace options:/);
    for (const key of [
      'compress',
      'reasoningPromptTokens',
      'slotMs',
      'seed',
      'complexity',
      'priority',
      'limit',
      'sed',
    ])
      expect(error.message).toContain(key);
    expect(configError(() => readMooncakeTrace(42 as never)).message).toMatch(
      /text must be a string/,
    );
    expect(configError(() => readMooncakeTrace(TRACE, null as never)).code).toBe('CONFIG_INVALID');
  });
});
