import { describe, expect, it } from 'vitest';
import {
  fencedChars,
  jsonChars,
  MAX_ITEMS,
  MAX_NODES,
  readRequestText,
  safeStringify,
  scanWindow,
} from '../../../src/classify/internal/requestText.js';

describe('readRequestText', () => {
  it('reads each shape', () => {
    expect(readRequestText('hi')).toEqual({
      shape: 'prompt',
      parts: ['hi'],
      chars: 2,
      tokenIds: 0,
      turns: 1,
    });
    expect(readRequestText({ prompt: ['a', 'bc'] })).toMatchObject({ shape: 'prompt', chars: 3 });
    expect(
      readRequestText({
        system: 'sys',
        messages: [
          { role: 'user', content: 'ab' },
          { role: 'assistant', content: [{ type: 'text', text: 'cd' }, { type: 'image' }, 'ef'] },
        ],
      }),
    ).toEqual({ shape: 'chat', parts: ['sys', 'ab', 'cd', 'ef'], chars: 9, tokenIds: 0, turns: 2 });
    expect(readRequestText({ input: ['ab', [1, 2], 3] })).toEqual({
      shape: 'embedding',
      parts: ['ab'],
      chars: 2,
      tokenIds: 3,
      turns: 1,
    });
    expect(readRequestText({ input: [{ role: 'user', content: 'x' }] })).toMatchObject({
      shape: 'chat',
      parts: ['x'],
    });
    expect(readRequestText({ other: 1 })).toMatchObject({
      shape: 'unknown',
      parts: [],
      chars: '{"other":1}'.length,
    });
  });

  it('counts an empty chat as one turn', () => {
    expect(readRequestText({ messages: [] })).toMatchObject({ shape: 'chat', chars: 0, turns: 1 });
  });
});

describe('safeStringify', () => {
  it('survives cycles, bigints, throwing toJSON and non-JSON values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(safeStringify(cyclic)).toBe('{"self":"[Circular]"}');
    expect(safeStringify({ n: 2n })).toBe('{"n":"2"}');
    expect(
      safeStringify({
        toJSON: () => {
          throw new Error('x');
        },
      }),
    ).toBe('[object Object]');
    expect(safeStringify(undefined)).toBe('');
    expect(safeStringify(Symbol('s'))).toBe('');
    expect(safeStringify(Object.create(null))).toBe('{}');
  });
});

describe('scanWindow', () => {
  it('returns all the text when it fits', () => {
    expect(scanWindow(['ab', 'cd'], 10)).toBe('ab\ncd');
    expect(scanWindow(['abc'], 3)).toBe('abc');
  });

  it('keeps the head and tail of longer text within the budget', () => {
    expect(scanWindow(['abcdefghij'], 4)).toBe('ab\n\nij');
    expect(scanWindow(['abc', 'def', 'ghi'], 5)).toBe('abc\n\nhi');
    expect(scanWindow(['abcdef'], 1)).toBe('a\n\n');
    expect(scanWindow(['abcdefghij'], 5, 4)).toBe('abcd\n\nj');
  });
});

describe('fencedChars', () => {
  it('counts characters between fences, an open fence running to the end', () => {
    expect(fencedChars('no code')).toBe(0);
    expect(fencedChars('a```xyz```b```12')).toBe(5);
    expect(fencedChars('``````')).toBe(0);
  });
});

describe('bounded reading', () => {
  it(`reads at most ${MAX_ITEMS} items of a long array and extrapolates the rest`, () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({
      role: 'user',
      content: `m${i % 10}`,
    }));
    const text = readRequestText({ messages });
    expect(text.parts).toHaveLength(MAX_ITEMS);
    expect(text.chars).toBe(200_000);
    expect(text.turns).toBe(100_000);
    const ids = readRequestText({ input: new Array<number>(1_000_000).fill(7) });
    expect(ids).toMatchObject({ shape: 'embedding', tokenIds: 1_000_000, parts: [] });
  });

  it('counts a long array exactly when it fits', () => {
    const prompt = Array.from({ length: MAX_ITEMS }, () => 'ab');
    expect(readRequestText({ prompt })).toMatchObject({ chars: 2 * MAX_ITEMS });
  });

  it('reads the Responses API shape when an object sits only in the tail', () => {
    const input: unknown[] = new Array<string>(10_000).fill('x');
    input.push({ role: 'user', content: 'hello' });
    expect(readRequestText({ input }).shape).toBe('chat');
  });
});

describe('jsonChars', () => {
  it('is the JSON length of small values', () => {
    for (const value of [{ a: [1, 'two', null, true] }, 'x', 12.5, [], {}, { n: 2n }]) {
      expect(jsonChars(value)).toBe(safeStringify(value).length);
    }
  });

  it(`visits at most ${MAX_NODES} values of a large one and estimates its size`, () => {
    const big = { rows: Array.from({ length: 200_000 }, (_, i) => ({ id: i % 10, name: 'abcd' })) };
    const exact = JSON.stringify(big).length;
    const estimate = jsonChars(big);
    expect(estimate).toBeGreaterThan(exact * 0.8);
    expect(estimate).toBeLessThan(exact * 1.2);
    const wide: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) wide[`k${i}`] = 'v';
    expect(jsonChars(wide)).toBeGreaterThan(0);
    expect(jsonChars({ s: 'x'.repeat(1_000_000) })).toBe(1_000_008);
  });
});
