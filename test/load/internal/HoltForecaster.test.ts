import { describe, expect, it } from 'vitest';
import { HoltForecaster } from '../../../src/load/internal/HoltForecaster.js';

/** Adds `counts[k]` events inside interval k + 1 (interval 0 is the partial first one). */
function feed(holt: HoltForecaster, counts: readonly number[]): void {
  holt.add(999);
  counts.forEach((n, k) => {
    if (n > 0) holt.add((k + 1) * 1000 + 500, n);
  });
}

describe('HoltForecaster', () => {
  it('skips the partial first interval and is not ready before a full one closes', () => {
    const holt = new HoltForecaster({ intervalMs: 1000, alpha: 0.5, beta: 0.3 });
    holt.add(999, 1000);
    holt.advance(1999);
    expect(holt.ready).toBe(false);
    holt.advance(2000);
    expect(holt.ready).toBe(true);
    expect(holt.forecast(2000)).toBe(0);
  });

  it('forecasts a constant count as that rate with no trend', () => {
    const holt = new HoltForecaster({ intervalMs: 1000, alpha: 0.5, beta: 0.3 });
    feed(holt, Array(20).fill(7));
    holt.advance(21_000);
    expect(holt.forecast(30_000)).toBeCloseTo(7, 9);
    expect(holt.trendPerSecond()).toBeCloseTo(0, 9);
  });

  it('extrapolates a linear ramp exactly once converged', () => {
    const holt = new HoltForecaster({ intervalMs: 500, alpha: 0.6, beta: 0.4 });
    holt.add(0);
    // 2 more events per 500 ms interval each interval: rate rises 4/s per interval, 8/s per second.
    for (let k = 1; k <= 200; k++) holt.add(k * 500 + 1, 2 * k);
    holt.advance(201 * 500);
    // Interval 200 (centre 100 250 ms) had 400 events = 800/s; one second later expect 808/s.
    expect(holt.forecast(101_250)).toBeCloseTo(808, 6);
    expect(holt.trendPerSecond()).toBeCloseTo(8, 6);
  });

  it('counts empty intervals as zeros and resets after a long gap', () => {
    const holt = new HoltForecaster({ intervalMs: 1000, alpha: 1, beta: 1 });
    feed(holt, [10, 10]);
    holt.advance(5_000); // intervals 3 and 4 were empty
    expect(holt.forecast(4_500)).toBe(0);
    expect(holt.trendPerSecond()).toBe(0);
    holt.add(6_000, 10);
    holt.advance(1e9);
    expect(holt.forecast(1e9)).toBe(0);
    expect(holt.trendPerSecond()).toBe(0);
  });
});
