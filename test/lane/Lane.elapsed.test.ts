import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flush, harness } from './Lane.harness.js';

describe('Lane: elapsed time of running calls', () => {
  it('reports the mean and the oldest elapsed time, 0 when none run', async () => {
    const h = harness({ concurrency: 3 });
    expect(h.lane.meanElapsedMs(500)).toBe(0);
    expect(h.lane.maxElapsedMs(500)).toBe(0);
    h.clock.t = 10;
    h.bind('a');
    h.clock.t = 20;
    h.bind('b');
    h.clock.t = 40;
    h.bind('c');
    h.bind('d'); // queued: not counted
    expect(h.lane.meanElapsedMs(100)).toBeCloseTo((90 + 80 + 60) / 3, 9);
    expect(h.lane.maxElapsedMs(100)).toBe(90);
    h.call('a').resolve('A'); // `d` starts now, at 40
    await flush();
    expect(h.lane.meanElapsedMs(100)).toBeCloseTo((80 + 60 + 60) / 3, 9);
    expect(h.lane.maxElapsedMs(100)).toBe(80);
    h.call('c').resolve('C');
    await flush();
    expect(h.lane.maxElapsedMs(100)).toBe(80);
    h.call('b').resolve('B');
    await flush();
    expect(h.lane.maxElapsedMs(100)).toBe(60);
    expect(h.lane.meanElapsedMs(100)).toBe(60);
    h.call('d').resolve('D');
    await flush();
    expect(h.lane.meanElapsedMs(100)).toBe(0);
    expect(h.lane.maxElapsedMs(100)).toBe(0);
  });

  it('does not carry rounding errors of a fractional clock into the next busy period', async () => {
    const h = harness({ concurrency: 2 });
    // Summing and removing these start times leaves 1.2e-7 behind in a running sum.
    h.clock.t = 1e9;
    h.bind('a');
    h.clock.t = 1e9 + 0.123;
    h.bind('b');
    h.call('a').resolve('A');
    h.call('b').resolve('B');
    await flush();
    expect(h.lane.idle).toBe(true);
    const start = 1e9 + 1000.5;
    h.clock.t = start;
    h.bind('c');
    expect(h.lane.meanElapsedMs(start)).toBe(0);
    expect(h.lane.meanElapsedMs(start + 1)).toBe(start + 1 - start);
  });

  it('matches the exact mean and max of (now - start) and is never negative, for any start times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.double({ min: 0, max: 1e4, noNaN: true }),
            finish: fc.nat({ max: 20 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (steps) => {
          const h = harness({ concurrency: 1000 });
          const starts = new Map<string, number>();
          let n = 0;
          for (const step of steps) {
            h.clock.t += step.gap;
            // Finish one running call (if any), then start another.
            const running = [...starts.keys()];
            const victim = running[step.finish % Math.max(1, running.length)];
            if (victim !== undefined && step.finish % 3 === 0) {
              h.call(victim).resolve('done');
              starts.delete(victim);
              await flush();
            }
            const name = `c${n++}`;
            starts.set(name, h.clock.t);
            h.bind(name);
            const elapsed = [...starts.values()].map((s) => h.clock.t - s);
            const mean = elapsed.reduce((a, b) => a + b, 0) / elapsed.length;
            expect(h.lane.meanElapsedMs(h.clock.t)).toBeGreaterThanOrEqual(0);
            expect(h.lane.meanElapsedMs(h.clock.t)).toBeCloseTo(mean, 6);
            expect(h.lane.maxElapsedMs(h.clock.t)).toBe(Math.max(...elapsed));
          }
        },
      ),
    );
  });
});
