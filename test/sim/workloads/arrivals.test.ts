import { describe, expect, it } from 'vitest';
import {
  arrivalRateAt,
  arrivalTimes,
  generateArrivals,
} from '../../../src/sim/workloads/arrivals.js';
import type { ArrivalSpec } from '../../../src/sim/workloads/spec.js';
import { seededRandom } from '../../../src/utils/random.js';
import { configError } from '../../helpers/configError.js';

/** Arrivals per second in [from, until). */
const rateIn = (times: readonly number[], from: number, until: number): number =>
  times.filter((t) => t >= from && t < until).length / ((until - from) / 1000);

describe('arrival processes', () => {
  it('poisson: ascending times at the given rate', () => {
    const times = generateArrivals({ kind: 'poisson', rate: 50 }, seededRandom(1), 20_000);
    expect(times).toHaveLength(20_000);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(rate / 50).toBeCloseTo(1, 1);
    expect(Math.abs(rate / 50 - 1)).toBeLessThan(0.02);
  });

  it('onOff: arrivals only in on periods, average rate onRate × on share', () => {
    const spec: ArrivalSpec = { kind: 'onOff', onRate: 100, onMs: 1000, offMs: 3000 };
    const times = generateArrivals(spec, seededRandom(2), 20_000);
    expect(times.every((t) => t % 4000 < 1000)).toBe(true);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(Math.abs(rate / 25 - 1)).toBeLessThan(0.03);
    expect(arrivalRateAt(spec, 500)).toBe(100);
    expect(arrivalRateAt(spec, 1500)).toBe(0);
  });

  it('onOff with an off rate keeps both rates', () => {
    const spec: ArrivalSpec = { kind: 'onOff', onRate: 200, offRate: 20, onMs: 5000, offMs: 5000 };
    const times = generateArrivals(spec, seededRandom(3), 30_000);
    const on = times.filter((t) => t % 10_000 < 5000).length;
    expect(on / (times.length - on)).toBeGreaterThan(8);
    expect(on / (times.length - on)).toBeLessThan(12);
  });

  it('mmpp: long-run rate weighted by sojourn, and bursty (over-dispersed counts)', () => {
    const spec: ArrivalSpec = {
      kind: 'mmpp',
      states: [
        { rate: 5, meanSojournMs: 20_000 },
        { rate: 100, meanSojournMs: 5_000 },
      ],
    };
    expect(arrivalRateAt(spec, 0)).toBeCloseTo((5 * 20 + 100 * 5) / 25, 9);
    const times = generateArrivals(spec, seededRandom(4), 60_000);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(Math.abs(rate / 24 - 1)).toBeLessThan(0.1);
    // Counts per second: a Poisson process has variance = mean; an MMPP much more.
    const counts = new Map<number, number>();
    for (const t of times)
      counts.set(Math.floor(t / 1000), (counts.get(Math.floor(t / 1000)) ?? 0) + 1);
    const seconds = Math.floor((times.at(-1) as number) / 1000);
    const xs = Array.from({ length: seconds }, (_, s) => counts.get(s) ?? 0);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(variance / mean).toBeGreaterThan(10);
  });

  it('mmpp with three states visits them all', () => {
    const spec: ArrivalSpec = {
      kind: 'mmpp',
      states: [
        { rate: 10, meanSojournMs: 1000 },
        { rate: 0, meanSojournMs: 1000 },
        { rate: 1000, meanSojournMs: 100 },
      ],
      initialState: 1,
    };
    const times = generateArrivals(spec, seededRandom(5), 20_000);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(Math.abs(rate / arrivalRateAt(spec, 0) - 1)).toBeLessThan(0.15);
  });

  it('diurnal: higher rate in the rising half than in the falling half, mean as given', () => {
    const spec: ArrivalSpec = { kind: 'diurnal', meanRate: 20, amplitude: 0.8, periodMs: 100_000 };
    const times = generateArrivals(spec, seededRandom(6), 40_000);
    const end = Math.floor((times.at(-1) as number) / 100_000) * 100_000;
    expect(Math.abs(rateIn(times, 0, end) / 20 - 1)).toBeLessThan(0.03);
    let peak = 0;
    let trough = 0;
    for (let p = 0; p < end; p += 100_000) {
      peak += rateIn(times, p + 15_000, p + 35_000);
      trough += rateIn(times, p + 65_000, p + 85_000);
    }
    expect(peak / trough).toBeGreaterThan(5);
    expect(arrivalRateAt(spec, 25_000)).toBeCloseTo(36, 9);
  });

  it('piecewise: each segment at its own rate (thinning)', () => {
    const spec: ArrivalSpec = {
      kind: 'piecewise',
      segments: [
        { at: 0, rate: 10 },
        { at: 100_000, rate: 200 },
        { at: 150_000, rate: 10 },
      ],
    };
    const times = generateArrivals(spec, seededRandom(7), 13_000);
    expect(Math.abs(rateIn(times, 0, 100_000) / 10 - 1)).toBeLessThan(0.07);
    expect(Math.abs(rateIn(times, 100_000, 150_000) / 200 - 1)).toBeLessThan(0.03);
    expect(Math.abs(rateIn(times, 150_000, 250_000) / 10 - 1)).toBeLessThan(0.07);
  });

  it('arrivalTimes is lazy and endless', () => {
    let n = 0;
    for (const t of arrivalTimes({ kind: 'poisson', rate: 1000 }, seededRandom(1))) {
      if (t > 10_000) break;
      n++;
    }
    expect(n).toBeGreaterThan(9000);
    expect(n).toBeLessThan(11_000);
    expect(generateArrivals({ kind: 'poisson', rate: 1 }, seededRandom(1), 0)).toEqual([]);
  });
});

describe('validation', () => {
  it('checks the arguments of arrivalRateAt and arrivalTimes', () => {
    expect(
      configError(() => arrivalRateAt({ kind: 'poisson', rate: 1, x: 1 } as never, Number.NaN))
        .problems,
    ).toEqual([
      'unknown option `spec.x` (known: kind, rate)',
      't must be a finite number (milliseconds), got NaN',
    ]);
    const times = arrivalTimes({ kind: 'poisson', rate: 0 }, 5 as never);
    expect(configError(() => times.next()).problems).toEqual([
      'spec.rate must be a finite number > 0, got 0',
      'random must be a function, got 5',
    ]);
  });
});
