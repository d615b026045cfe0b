import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../src/load/InMemoryLoadTracker.js';

const tracker = () => new InMemoryLoadTracker({ learnHalfLifeMs: 60_000 });

describe('InMemoryLoadTracker: speed across task types', () => {
  it("prices a model on a task it never served by its speed on the others and the fleet's level", () => {
    const t = tracker();
    // 'fast' runs everything in half the time 'slow' takes; both served 'simple', only 'slow' 'code'.
    for (let i = 0; i < 20; i++) {
      t.recordFinish('fast', 'simple', 100, true, i, { complexity: 0.1 });
      t.recordFinish('slow', 'simple', 200, true, i, { complexity: 0.1 });
      t.recordFinish('slow', 'code', 1000, true, i, { complexity: 0.1 });
    }
    const fast = t.learned('fast', 'code', 0.1, 20)!;
    const slow = t.learned('slow', 'code', 0.1, 20)!;
    expect(fast.taskWeight).toBe(0); // nothing of its own for code
    expect(fast.speed).toBeLessThan(1);
    expect(slow.speed).toBeGreaterThan(1);
    expect(slow.speed / fast.speed).toBeGreaterThan(1.6); // twice as slow, less the early calls
    expect(fast.speedWeight).toBeGreaterThan(15);
    // The level is that of a model of speed 1: only 'slow' served code, in 1000 ms at speed ~1.5.
    // The prior it gives (level x speed) is what each takes: 500 ms for 'fast', 1000 for 'slow'.
    expect(fast.fleetMeanMs).toBeLessThan(1000);
    expect(Math.abs((fast.fleetMeanMs * fast.speed) / 500 - 1)).toBeLessThan(0.1);
    expect(Math.abs((slow.fleetMeanMs * slow.speed) / 1000 - 1)).toBeLessThan(0.05);
  });

  it('measures a speed the same whichever models served the task before (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        (s, n, k) => {
          const t = tracker();
          // 'ref' (speed 1) sets the level; then the router moves the task to 'other' (speed s) for
          // n calls, which shifts the mix of latencies seen; then 'm' (speed k) runs one call.
          for (let i = 0; i < 50; i++) t.recordFinish('ref', 'code', 1000, true, 0);
          for (let i = 0; i < n; i++) t.recordFinish('other', 'code', 1000 * s, true, 0);
          t.recordFinish('m', 'code', 1000 * k, true, 0);
          const speed = t.learned('m', 'simple', 0.5, 0)!.speed;
          expect(Math.abs(Math.log(speed / k))).toBeLessThan(0.15);
        },
      ),
    );
  });

  it('knows no speed before a call, and none of a model it has never seen', () => {
    const t = tracker();
    expect(t.learned('a', 'code', 0.5, 0)).toBeUndefined();
    t.recordStart('a', 'code', 0);
    const first = t.learned('a', 'code', 0.5, 0)!;
    expect(first.speed).toBeNaN();
    expect(first.speedWeight).toBe(0);
    expect(first.fleetMeanMs).toBeNaN();
  });

  it("measures a model whose calls take k times the fleet's as k times slower (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.integer({ min: 50, max: 5000 }),
        (k, base) => {
          const t = tracker();
          // The fleet's level is set by 'ref' first; then 'm' runs k times as long.
          for (let i = 0; i < 50; i++) t.recordFinish('ref', 'simple', base, true, 0);
          t.recordFinish('m', 'simple', base * k, true, 0);
          const speed = t.learned('m', 'code', 0.5, 0)!.speed;
          expect(speed).toBeCloseTo(k, 6);
        },
      ),
    );
  });

  it('exports the speeds and fleet levels and reads them back unchanged', () => {
    const t = tracker();
    for (let i = 0; i < 5; i++) {
      t.recordFinish('a', 'simple', 100 + i, true, i, { complexity: 0.6 });
      t.recordFinish('b', 'simple', 300 + i, true, i, { complexity: 0.6 });
    }
    const state = t.exportLearned(10);
    const u = tracker();
    u.importLearned(JSON.parse(JSON.stringify(state)), 10);
    expect(u.exportLearned(10)).toEqual(state);
    expect(u.learned('a', 'code', 0.6, 10)!.speed).toBeCloseTo(
      t.learned('a', 'code', 0.6, 10)!.speed,
      9,
    );
  });
});
