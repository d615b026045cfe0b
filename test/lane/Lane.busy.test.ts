import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flush, harness } from './Lane.harness.js';

const TAU = 2000;

describe('Lane: mean of the calls running', () => {
  it('is 0 before any call, and moves towards the calls running with a 2 s time constant', async () => {
    const h = harness({ concurrency: 4 });
    expect(h.lane.meanInFlight(0)).toBe(0);
    h.bind('a');
    h.bind('b');
    expect(h.lane.meanInFlight(0)).toBe(0); // no time has passed with them running
    expect(h.lane.meanInFlight(TAU)).toBeCloseTo(2 * (1 - Math.exp(-1)), 9);
    expect(h.lane.meanInFlight(100 * TAU)).toBeCloseTo(2, 9);
    h.clock.t = TAU;
    h.call('a').resolve('A');
    await flush();
    // From 2 (1 - 1/e) at t = TAU, decaying towards the one call left.
    const at = 2 * (1 - Math.exp(-1));
    expect(h.lane.meanInFlight(2 * TAU)).toBeCloseTo(at * Math.exp(-1) + 1 * (1 - Math.exp(-1)), 9);
  });

  it('stays between 0 and the concurrency whatever the calls do (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5000 })), { maxLength: 40 }),
        async (steps) => {
          const h = harness({ concurrency: 3 });
          const open: string[] = [];
          let n = 0;
          for (const [start, dt] of steps) {
            h.clock.t += dt;
            if (start || open.length === 0) {
              const name = `c${n++}`;
              h.bind(name);
              await flush();
              if (h.log.includes(name)) open.push(name);
            } else {
              h.call(open.shift()!).resolve('x');
              await flush();
            }
            const m = h.lane.meanInFlight(h.clock.t);
            expect(m).toBeGreaterThanOrEqual(0);
            expect(m).toBeLessThanOrEqual(3 + 1e-9);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
