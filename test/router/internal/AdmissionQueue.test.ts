import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Admissible, AdmissionQueue } from '../../../src/router/internal/AdmissionQueue.js';

interface Item extends Admissible {
  readonly name: string;
}

let nextSeq = 0;
const item = (name: string, priority = 0, seq = nextSeq++): Item => ({ name, priority, seq });
const names = (q: AdmissionQueue<Item>) => q.toArray().map((i) => i.name);

describe('AdmissionQueue', () => {
  it('starts empty', () => {
    const q = new AdmissionQueue<Item>();
    expect(q.size).toBe(0);
    expect(q.toArray()).toEqual([]);
    expect(q.find(() => true)).toBeUndefined();
  });

  it('keeps arrival order within one priority', () => {
    const q = new AdmissionQueue<Item>();
    for (const n of ['a', 'b', 'c', 'd']) q.push(item(n));
    expect(names(q)).toEqual(['a', 'b', 'c', 'd']);
    expect(q.size).toBe(4);
  });

  it('puts higher priority first, FIFO within each priority, negatives last', () => {
    const q = new AdmissionQueue<Item>();
    q.push(item('low1', -1));
    q.push(item('mid1', 0));
    q.push(item('high1', 5));
    q.push(item('mid2', 0));
    q.push(item('high2', 5));
    q.push(item('low2', -1));
    q.push(item('top', 10));
    q.push(item('frac', 0.5));
    expect(names(q)).toEqual(['top', 'high1', 'high2', 'frac', 'mid1', 'mid2', 'low1', 'low2']);
  });

  it('puts a re-queued item with an older seq back before later arrivals of its priority', () => {
    const q = new AdmissionQueue<Item>();
    const old = item('retry', 0, 1);
    q.push(item('x', 0, 5));
    q.push(item('y', 0, 7));
    q.push(old);
    q.push(item('z', 0, 3));
    expect(names(q)).toEqual(['retry', 'z', 'x', 'y']);
  });

  it('removes the very item given, and says whether it was there', () => {
    const q = new AdmissionQueue<Item>();
    const a = item('a');
    const b = item('b', 2);
    const c = item('c');
    for (const i of [a, b, c]) q.push(i);
    expect(q.remove(a)).toBe(true);
    expect(names(q)).toEqual(['b', 'c']);
    expect(q.remove(a)).toBe(false);
    // An equal-looking object is not the item.
    expect(q.remove({ ...c })).toBe(false);
    expect(q.remove(item('never'))).toBe(false);
    expect(names(q)).toEqual(['b', 'c']);
    expect(q.remove(b)).toBe(true);
    expect(q.remove(c)).toBe(true);
    expect(q.size).toBe(0);
    expect(q.remove(c)).toBe(false);
  });

  it('finds the first item, in order, that the predicate accepts', () => {
    const q = new AdmissionQueue<Item>();
    q.push(item('a1'));
    q.push(item('b1'));
    q.push(item('a2', 3));
    q.push(item('b2', 3));
    const seen: string[] = [];
    const found = q.find((i) => {
      seen.push(i.name);
      return i.name.startsWith('b');
    });
    expect(found?.name).toBe('b2');
    // It stops at the first match.
    expect(seen).toEqual(['a2', 'b2']);
    expect(q.find((i) => i.name === 'b1')?.name).toBe('b1');
    expect(q.find(() => false)).toBeUndefined();
    // find does not remove.
    expect(q.size).toBe(4);
  });

  it('returns a copy from toArray', () => {
    const q = new AdmissionQueue<Item>();
    q.push(item('a'));
    const arr = q.toArray();
    arr.pop();
    expect(q.size).toBe(1);
    expect(q.toArray()).not.toBe(q.toArray());
  });

  type Op =
    | { readonly kind: 'push'; readonly priority: number; readonly seq: number }
    | { readonly kind: 'remove'; readonly pick: number; readonly stale: boolean }
    | { readonly kind: 'find'; readonly mod: number };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('push' as const),
        priority: fc.integer({ min: -3, max: 3 }),
        seq: fc.integer({ min: 0, max: 1_000_000 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('remove' as const),
        pick: fc.nat(),
        stale: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('find' as const), mod: fc.nat(4) }) },
  );

  it('behaves like a list sorted by priority (descending), then seq (ascending)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const q = new AdmissionQueue<Item>();
        let model: Item[] = [];
        const removed: Item[] = [];
        const usedSeqs = new Set<number>();
        let id = 0;
        const sort = (xs: Item[]) =>
          [...xs].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
        for (const op of ops) {
          switch (op.kind) {
            case 'push': {
              // seq is an arrival number: unique, but items may come back out of order (retries).
              let seq = op.seq;
              while (usedSeqs.has(seq)) seq++;
              usedSeqs.add(seq);
              const it = { name: `i${id++}`, priority: op.priority, seq };
              q.push(it);
              model = sort([...model, it]);
              break;
            }
            case 'remove': {
              const pool = op.stale ? removed : model;
              const target = pool[op.pick % Math.max(1, pool.length)];
              if (!target) break;
              const present = model.includes(target);
              expect(q.remove(target)).toBe(present);
              if (present) {
                model = model.filter((x) => x !== target);
                removed.push(target);
              }
              break;
            }
            case 'find': {
              const accept = (x: Item) => x.seq % 4 === op.mod;
              expect(q.find(accept)).toBe(model.find(accept));
              break;
            }
          }
          expect(q.size).toBe(model.length);
          expect(q.toArray()).toEqual(model);
        }
      }),
    );
  });
});
