import type { RandomSource } from '../../types.js';
import { throwIfProblems } from '../../utils/options.js';
import { countProblems, isNum, mustBe } from '../internal/check.js';
import { take } from '../internal/take.js';
import { type ArrivalSpec, arrivalProblems, type MmppState } from './spec.js';

/**
 * Arrival processes: the rate at a time and the stream of arrival times of an {@link ArrivalSpec}.
 */

/** Problems of a random source argument. */
function randomProblems(random: unknown): string[] {
  return typeof random === 'function' ? [] : [mustBe('random', 'a function', random)];
}

/** An exponential gap in milliseconds for a rate in requests per second. */
function gapMs(random: RandomSource, ratePerSecond: number): number {
  return (-Math.log(1 - random()) / ratePerSecond) * 1000;
}

/** Rate function and its upper bound, for thinning. */
function rateFunction(spec: ArrivalSpec): { rate: (t: number) => number; max: number } | undefined {
  switch (spec.kind) {
    case 'onOff': {
      const period = spec.onMs + spec.offMs;
      const off = spec.offRate ?? 0;
      return {
        rate: (t) => (t % period < spec.onMs ? spec.onRate : off),
        max: Math.max(spec.onRate, off),
      };
    }
    case 'diurnal': {
      const w = (2 * Math.PI) / spec.periodMs;
      const phase = spec.phaseMs ?? 0;
      return {
        rate: (t) => spec.meanRate * (1 + spec.amplitude * Math.sin(w * (t + phase))),
        max: spec.meanRate * (1 + spec.amplitude),
      };
    }
    case 'piecewise': {
      const segs = spec.segments;
      return {
        rate: (t) => {
          let r = segs[0]?.rate ?? 0;
          for (const seg of segs) {
            if (seg.at > t) break;
            r = seg.rate;
          }
          return r;
        },
        max: Math.max(...segs.map((s) => s.rate)),
      };
    }
    default:
      return undefined;
  }
}

/**
 * The arrival rate at time `t` (requests per second) of a deterministic-rate process, or the
 * long-run mean rate of an MMPP (its states weighted by mean sojourn, the stationary share under
 * uniform jumps).
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem of the spec, or for a `t` that is not
 * a finite number.
 */
export function arrivalRateAt(spec: ArrivalSpec, t: number): number {
  throwIfProblems('arrivalRateAt arguments', [
    ...arrivalProblems(spec, 'spec'),
    ...(isNum(t) ? [] : [mustBe('t', 'a finite number (milliseconds)', t)]),
  ]);
  if (spec.kind === 'poisson') return spec.rate;
  if (spec.kind === 'mmpp') {
    const total = spec.states.reduce((a, s) => a + s.meanSojournMs, 0);
    return spec.states.reduce((a, s) => a + (s.rate * s.meanSojournMs) / total, 0);
  }
  return rateFunction(spec)?.rate(t) ?? 0;
}

/**
 * Yields the arrival times (milliseconds, ascending, from time 0) of an arrival process, without
 * end. Constant rates and MMPP states draw exponential gaps; time-varying rates (on/off, diurnal,
 * piecewise) use thinning: candidates at the peak rate, each kept with probability
 * `rate(t) / peak`.
 *
 * @throws ZetaError `CONFIG_INVALID` (on the first `next()`) listing every problem of the spec
 * (unknown keys included) and of `random`.
 */
export function* arrivalTimes(spec: ArrivalSpec, random: RandomSource): Generator<number, never> {
  throwIfProblems('arrivalTimes arguments', [
    ...arrivalProblems(spec, 'spec'),
    ...randomProblems(random),
  ]);
  let t = 0;
  if (spec.kind === 'poisson') {
    for (;;) {
      t += gapMs(random, spec.rate);
      yield t;
    }
  }
  if (spec.kind === 'mmpp') {
    const states = spec.states;
    let state = spec.initialState ?? 0;
    let stateEnd = gapMs(random, 1000 / (states[state] as MmppState).meanSojournMs);
    for (;;) {
      const { rate } = states[state] as MmppState;
      const next = rate > 0 ? t + gapMs(random, rate) : Number.POSITIVE_INFINITY;
      if (next < stateEnd) {
        t = next;
        yield t;
        continue;
      }
      // Memoryless: the pending gap is discarded and redrawn at the new state's rate.
      t = stateEnd;
      const jump = Math.min(states.length - 2, Math.floor(random() * (states.length - 1)));
      state = jump >= state ? jump + 1 : jump;
      stateEnd = t + gapMs(random, 1000 / (states[state] as MmppState).meanSojournMs);
    }
  }
  const fn = rateFunction(spec) as NonNullable<ReturnType<typeof rateFunction>>;
  for (;;) {
    t += gapMs(random, fn.max);
    if (random() * fn.max < fn.rate(t)) yield t;
  }
}

/**
 * The first `count` arrival times of an arrival process (see {@link arrivalTimes}).
 *
 * @param count - How many, an integer from 0 to 1,000,000.
 * @throws ZetaError `CONFIG_INVALID` listing every problem of the spec, `random` and `count`.
 */
export function generateArrivals(spec: ArrivalSpec, random: RandomSource, count: number): number[] {
  throwIfProblems('generateArrivals arguments', [
    ...arrivalProblems(spec, 'spec'),
    ...randomProblems(random),
    ...countProblems(count, 'count'),
  ]);
  return take(arrivalTimes(spec, random), count);
}
