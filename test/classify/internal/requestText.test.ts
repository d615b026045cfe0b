import { describe, expect, it } from 'vitest';
import {
  fencedChars,
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
      parts: ['{"other":1}'],
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
    expect(scanWindow(['ab', 'cd'], 4, 10)).toBe('ab\ncd');
    expect(scanWindow(['abc'], 3, 3)).toBe('abc');
  });

  it('keeps the head and tail of longer text within the budget', () => {
    expect(scanWindow(['abcdefghij'], 10, 4)).toBe('ab\n\nij');
    expect(scanWindow(['abc', 'def', 'ghi'], 9, 5)).toBe('abc\n\nhi');
    expect(scanWindow(['abcdef'], 6, 1)).toBe('a\n\n');
  });
});

describe('fencedChars', () => {
  it('counts characters between fences, an open fence running to the end', () => {
    expect(fencedChars('no code')).toBe(0);
    expect(fencedChars('a```xyz```b```12')).toBe(5);
    expect(fencedChars('``````')).toBe(0);
  });
});
