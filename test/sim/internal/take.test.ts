import { describe, expect, it } from 'vitest';
import { take } from '../../../src/sim/internal/take.js';

describe('take', () => {
  function* counting(pulled: number[]): Generator<number, never> {
    for (let i = 0; ; i++) {
      pulled.push(i);
      yield i;
    }
  }

  it('takes the first items of an endless generator, pulling none past the last kept', () => {
    const pulled: number[] = [];
    expect(take(counting(pulled), 3)).toEqual([0, 1, 2]);
    expect(pulled).toEqual([0, 1, 2]);
  });

  it('never starts the generator for a count of 0', () => {
    const pulled: number[] = [];
    expect(take(counting(pulled), 0)).toEqual([]);
    expect(pulled).toEqual([]);
  });

  it('stops at the end of a shorter iterable', () => {
    expect(take([1, 2], 5)).toEqual([1, 2]);
  });
});
