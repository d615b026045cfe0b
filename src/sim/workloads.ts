import type { RandomSource } from '../types.js';
import { throwIfProblems, unknownKeyProblems } from '../utils/options.js';
import { seededRandom } from '../utils/random.js';
import {
  type Distribution,
  type DistributionSpec,
  distributionProblems,
  makeDistribution,
} from './distributions.js';
import {
  countProblems,
  isNum,
  isRecord,
  MAX_TIME_MS,
  mustBe,
  seedProblems,
} from './internal/check.js';
import { hashSeed } from './internal/hash.js';
import type { SimRequest } from './types.js';

/** Poisson arrivals at a constant rate. */
export interface PoissonArrivals {
  readonly kind: 'poisson';
  /** Requests per second, > 0. */
  readonly rate: number;
}

/**
 * Bursty on/off arrivals: a periodic square wave of Poisson rates, `onMs` at `onRate` then
 * `offMs` at `offRate`, repeating (starting with the on period).
 */
export interface OnOffArrivals {
  readonly kind: 'onOff';
  /** Requests per second during on periods, > 0. */
  readonly onRate: number;
  /** Requests per second during off periods, >= 0. @default 0 */
  readonly offRate?: number;
  /** Length of an on period, in milliseconds (> 0). */
  readonly onMs: number;
  /** Length of an off period, in milliseconds (> 0). */
  readonly offMs: number;
}

/** One state of a {@link MmppArrivals} process. */
export interface MmppState {
  /** Requests per second in this state, >= 0. */
  readonly rate: number;
  /** Mean time spent in the state per visit, in milliseconds (> 0; exponentially distributed). */
  readonly meanSojournMs: number;
}

/**
 * A Markov-modulated Poisson process: Poisson arrivals whose rate is set by a hidden state; after
 * an exponential sojourn the process jumps to another state, chosen uniformly among the others.
 */
export interface MmppArrivals {
  readonly kind: 'mmpp';
  /** The states (at least two, at least one with a rate > 0). */
  readonly states: readonly MmppState[];
  /** Index of the state at time 0. @default 0 */
  readonly initialState?: number;
}

/**
 * A diurnal (sinusoidal) rate: `meanRate * (1 + amplitude * sin(2π (t + phaseMs) / periodMs))`.
 */
export interface DiurnalArrivals {
  readonly kind: 'diurnal';
  /** Mean requests per second, > 0. */
  readonly meanRate: number;
  /** Relative swing, 0..1 (1: the rate touches 0 at the trough). */
  readonly amplitude: number;
  /** Period of the cycle, in milliseconds (> 0). */
  readonly periodMs: number;
  /** Shift of the cycle, in milliseconds. @default 0 (starts at the mean, rising) */
  readonly phaseMs?: number;
}

/** A step-function rate: each segment's rate holds from its `at` until the next segment. */
export interface PiecewiseArrivals {
  readonly kind: 'piecewise';
  /**
   * Segments sorted by `at` (milliseconds), the first at 0; rates in requests per second, >= 0.
   * The last segment holds forever, so its rate must be > 0.
   */
  readonly segments: ReadonlyArray<{ readonly at: number; readonly rate: number }>;
}

/** A serialisable arrival process. Rates are in requests per second, times in milliseconds. */
export type ArrivalSpec =
  | PoissonArrivals
  | OnOffArrivals
  | MmppArrivals
  | DiurnalArrivals
  | PiecewiseArrivals;

/** Relative weights of task types (any non-negative numbers; they need not sum to 1). */
export type TaskMix = Readonly<Record<string, number>>;

/** A mix that changes over time: each entry holds from its `at` (milliseconds) to the next. */
export type TimedTaskMix = ReadonlyArray<{ readonly at: number; readonly mix: TaskMix }>;

/** A weighted choice of priorities. */
export type PriorityMix = ReadonlyArray<{ readonly value: number; readonly weight: number }>;

/** How requests of one task type look. */
export interface TaskTypeSpec {
  /** Complexity; samples are clamped to [0, 1]. */
  readonly complexity: DistributionSpec;
  /** Prompt tokens; samples are rounded and at least 1. */
  readonly promptTokens: DistributionSpec;
  /** Output tokens; samples are rounded and at least 0. @default none (outputTokens unset) */
  readonly outputTokens?: DistributionSpec;
  /** A fixed priority or a weighted choice. @default 0 */
  readonly priority?: number | PriorityMix;
}

/**
 * A serialisable workload: when requests arrive and what they ask for.
 *
 * @example
 * const spec: WorkloadSpec = {
 *   arrivals: { kind: 'poisson', rate: 5 },
 *   mix: { simple: 0.6, code: 0.4 },
 *   types: {
 *     simple: { complexity: { kind: 'uniform', min: 0, max: 0.4 }, promptTokens: { kind: 'constant', value: 200 } },
 *     code: { complexity: { kind: 'uniform', min: 0.1, max: 0.7 }, promptTokens: { kind: 'lognormal', median: 1500, spread: 4 } },
 *   },
 * };
 */
export interface WorkloadSpec {
  /** The arrival process. */
  readonly arrivals: ArrivalSpec;
  /** The task mix, constant or piecewise over time (chosen by arrival time). */
  readonly mix: TaskMix | TimedTaskMix;
  /** What each task type of the mix looks like. */
  readonly types: Readonly<Record<string, TaskTypeSpec>>;
}

/** The fields of each kind of arrival spec, `kind` first. */
const ARRIVAL_KEYS = {
  poisson: ['kind', 'rate'],
  onOff: ['kind', 'onRate', 'offRate', 'onMs', 'offMs'],
  mmpp: ['kind', 'states', 'initialState'],
  diurnal: ['kind', 'meanRate', 'amplitude', 'periodMs', 'phaseMs'],
  piecewise: ['kind', 'segments'],
} as const satisfies Record<ArrivalSpec['kind'], readonly string[]>;

const WORKLOAD_KEYS = ['arrivals', 'mix', 'types'] as const satisfies ReadonlyArray<
  keyof WorkloadSpec
>;
const TASK_TYPE_KEYS = [
  'complexity',
  'promptTokens',
  'outputTokens',
  'priority',
] as const satisfies ReadonlyArray<keyof TaskTypeSpec>;

/** A duration or time in milliseconds: finite, within {@link MAX_TIME_MS}. */
const isMs = (x: unknown, min: number, strict: boolean): x is number =>
  isNum(x) && (strict ? x > min : x >= min) && x <= MAX_TIME_MS;
const msExpect = (min: number, strict: boolean): string =>
  `a number ${strict ? '>' : '>='} ${min} and <= ${MAX_TIME_MS} (milliseconds)`;

function mixProblems(
  mix: unknown,
  path: string,
  types: Readonly<Record<string, unknown>>,
): string[] {
  if (!isRecord(mix)) return [mustBe(path, 'an object of task weights', mix)];
  const out: string[] = [];
  let total = 0;
  for (const [type, w] of Object.entries(mix)) {
    if (!isNum(w) || w < 0) out.push(mustBe(`${path}.${type}`, 'a finite number >= 0', w));
    else total += w;
    if (isNum(w) && w > 0 && !(type in types)) out.push(`${path}.${type} has no entry in types`);
  }
  if (out.length === 0 && total <= 0) out.push(`${path} must have at least one weight > 0`);
  return out;
}

function arrivalProblems(spec: unknown, path: string): string[] {
  if (!isRecord(spec)) return [mustBe(path, 'an arrival spec object', spec)];
  const s = spec;
  const kind = s['kind'];
  const out: string[] =
    typeof kind === 'string' && Object.hasOwn(ARRIVAL_KEYS, kind)
      ? unknownKeyProblems(s, ARRIVAL_KEYS[kind as ArrivalSpec['kind']], `${path}.`)
      : [];
  const need = (field: string, ok: boolean, expect: string): void => {
    if (!ok) out.push(mustBe(`${path}.${field}`, expect, s[field]));
  };
  const positive = (x: unknown): boolean => isNum(x) && x > 0;
  const nonNegative = (x: unknown): boolean => isNum(x) && x >= 0;
  switch (s['kind']) {
    case 'poisson':
      need('rate', positive(s['rate']), 'a finite number > 0');
      break;
    case 'onOff':
      need('onRate', positive(s['onRate']), 'a finite number > 0');
      need(
        'offRate',
        s['offRate'] === undefined || nonNegative(s['offRate']),
        'a finite number >= 0',
      );
      need('onMs', isMs(s['onMs'], 0, true), msExpect(0, true));
      need('offMs', isMs(s['offMs'], 0, true), msExpect(0, true));
      break;
    case 'mmpp': {
      const states = s['states'];
      if (!Array.isArray(states) || states.length < 2) {
        out.push(mustBe(`${path}.states`, 'an array of at least 2 states', states));
        break;
      }
      states.forEach((st: unknown, i) => {
        const p = `${path}.states[${i}]`;
        if (!isRecord(st)) {
          out.push(mustBe(p, 'an object { rate, meanSojournMs }', st));
          return;
        }
        out.push(...unknownKeyProblems(st, ['rate', 'meanSojournMs'], `${p}.`));
        if (!nonNegative(st['rate']))
          out.push(mustBe(`${p}.rate`, 'a finite number >= 0', st['rate']));
        if (!isMs(st['meanSojournMs'], 0, true))
          out.push(mustBe(`${p}.meanSojournMs`, msExpect(0, true), st['meanSojournMs']));
      });
      if (
        !states.some((st: unknown) => positive((st as Record<string, unknown> | null)?.['rate']))
      ) {
        out.push(`${path}.states must have at least one state with a rate > 0`);
      }
      need(
        'initialState',
        s['initialState'] === undefined ||
          (Number.isInteger(s['initialState']) &&
            (s['initialState'] as number) >= 0 &&
            (s['initialState'] as number) < states.length),
        `an index in [0, ${states.length - 1}]`,
      );
      break;
    }
    case 'diurnal':
      need('meanRate', positive(s['meanRate']), 'a finite number > 0');
      need(
        'amplitude',
        isNum(s['amplitude']) && s['amplitude'] >= 0 && s['amplitude'] <= 1,
        'a number in [0, 1]',
      );
      need('periodMs', isMs(s['periodMs'], 0, true), msExpect(0, true));
      need(
        'phaseMs',
        s['phaseMs'] === undefined || isMs(s['phaseMs'], -MAX_TIME_MS, false),
        `a number from ${-MAX_TIME_MS} to ${MAX_TIME_MS} (milliseconds)`,
      );
      break;
    case 'piecewise': {
      const segs = s['segments'];
      if (!Array.isArray(segs) || segs.length === 0) {
        out.push(mustBe(`${path}.segments`, 'a non-empty array', segs));
        break;
      }
      segs.forEach((seg: unknown, i) => {
        const p = `${path}.segments[${i}]`;
        if (!isRecord(seg)) {
          out.push(mustBe(p, 'an object { at, rate }', seg));
          return;
        }
        const q = seg;
        out.push(...unknownKeyProblems(q, ['at', 'rate'], `${p}.`));
        const before: unknown = i > 0 ? segs[i - 1] : undefined;
        const prev = isRecord(before) ? before['at'] : undefined;
        if (i === 0 && q['at'] !== 0) out.push(mustBe(`${p}.at`, '0', q['at']));
        if (i > 0 && !(isMs(q['at'], 0, true) && isNum(prev) && q['at'] > prev)) {
          out.push(mustBe(`${p}.at`, `${msExpect(0, true)} and > the previous at`, q['at']));
        }
        if (!nonNegative(q['rate']))
          out.push(mustBe(`${p}.rate`, 'a finite number >= 0', q['rate']));
      });
      const last = segs[segs.length - 1] as Record<string, unknown> | undefined;
      if (isNum(last?.['rate']) && last['rate'] <= 0) {
        out.push(
          `${path}.segments[${segs.length - 1}].rate must be > 0 (the last segment holds forever)`,
        );
      }
      break;
    }
    default:
      out.push(mustBe(`${path}.kind`, `one of ${Object.keys(ARRIVAL_KEYS).join(', ')}`, kind));
  }
  return out;
}

/**
 * Lists what is wrong with a workload spec, each message prefixed with `path`. Empty when valid.
 *
 * @param spec - The spec (any value: it may come from JSON).
 */
export function workloadProblems(spec: unknown, path = 'workload'): string[] {
  if (!isRecord(spec)) return [mustBe(path, 'a workload spec object', spec)];
  const s = spec;
  const out = unknownKeyProblems(s, WORKLOAD_KEYS, `${path}.`);
  out.push(...arrivalProblems(s['arrivals'], `${path}.arrivals`));
  const types = s['types'];
  if (!isRecord(types)) {
    out.push(mustBe(`${path}.types`, 'an object of task type specs', types));
    return out;
  }
  const typeRecord = types;
  for (const [type, t] of Object.entries(typeRecord)) {
    const tp = `${path}.types.${type}`;
    if (!isRecord(t)) {
      out.push(mustBe(tp, 'a task type spec object', t));
      continue;
    }
    const q = t;
    out.push(...unknownKeyProblems(q, TASK_TYPE_KEYS, `${tp}.`));
    out.push(...distributionProblems(q['complexity'], `${tp}.complexity`));
    out.push(...distributionProblems(q['promptTokens'], `${tp}.promptTokens`));
    if (q['outputTokens'] !== undefined)
      out.push(...distributionProblems(q['outputTokens'], `${tp}.outputTokens`));
    const pr = q['priority'];
    if (pr !== undefined && !isNum(pr)) {
      const isEntry = (e: unknown): boolean =>
        isRecord(e) &&
        Object.keys(e).every((k) => k === 'value' || k === 'weight') &&
        isNum(e['value']) &&
        isNum(e['weight']) &&
        e['weight'] >= 0;
      const ok =
        Array.isArray(pr) && pr.every(isEntry) && pr.some((e: { weight: number }) => e.weight > 0);
      if (!ok)
        out.push(
          mustBe(
            `${tp}.priority`,
            'a finite number or a non-empty array of { value, weight >= 0 } (no other keys)',
            pr,
          ),
        );
    }
  }
  const mix = s['mix'];
  if (Array.isArray(mix)) {
    if (mix.length === 0) out.push(`${path}.mix must not be an empty array`);
    mix.forEach((m: unknown, i) => {
      if (!isRecord(m)) {
        out.push(mustBe(`${path}.mix[${i}]`, 'an object { at, mix }', m));
        return;
      }
      const q = m;
      out.push(...unknownKeyProblems(q, ['at', 'mix'], `${path}.mix[${i}].`));
      const before: unknown = i > 0 ? mix[i - 1] : undefined;
      const prev = isRecord(before) ? before['at'] : undefined;
      if (!isMs(q['at'], 0, false) || (i > 0 && !(isNum(prev) && q['at'] > prev))) {
        out.push(
          mustBe(`${path}.mix[${i}].at`, `${msExpect(0, false)} and > the previous at`, q['at']),
        );
      }
      out.push(...mixProblems(q['mix'], `${path}.mix[${i}].mix`, typeRecord));
    });
  } else {
    out.push(...mixProblems(mix, `${path}.mix`, typeRecord));
  }
  return out;
}

/**
 * Checks a workload spec.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem found (unknown keys included).
 */
export function assertValidWorkload(spec: WorkloadSpec): void {
  throwIfProblems('assertValidWorkload spec', workloadProblems(spec));
}

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
  const out: number[] = [];
  if (count === 0) return out;
  for (const t of arrivalTimes(spec, random)) {
    out.push(t);
    if (out.length >= count) break;
  }
  return out;
}

/** Picks an index from cumulative weights. */
function pick(cumulative: readonly number[], random: RandomSource): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const u = random() * total;
  for (let i = 0; i < cumulative.length; i++) {
    if (u < (cumulative[i] ?? 0)) return i;
  }
  return cumulative.length - 1;
}

function cumulate(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => {
    sum += w;
    return sum;
  });
}

interface CompiledType {
  readonly complexity: Distribution;
  readonly promptTokens: Distribution;
  readonly outputTokens: Distribution | undefined;
  readonly priority: (random: RandomSource) => number;
}

/**
 * Yields the requests of a workload in arrival order, ids 0, 1, 2…, without end (stop when you
 * have enough, or once `t` passes a horizon). Arrival times and request attributes come from two
 * independent streams derived from `seed`, so changing the mix or the type specs leaves arrival
 * times unchanged.
 *
 * @throws ZetaError `CONFIG_INVALID` (on the first `next()`) listing every problem of the spec
 * (unknown keys included) and of the seed.
 * @example
 * const firstMinute: SimRequest[] = [];
 * for (const req of workloadRequests(spec, 42)) {
 *   if (req.t >= 60_000) break;
 *   firstMinute.push(req);
 * }
 */
export function* workloadRequests(spec: WorkloadSpec, seed: number): Generator<SimRequest, never> {
  throwIfProblems('workloadRequests arguments', [
    ...workloadProblems(spec, 'spec'),
    ...seedProblems(seed),
  ]);
  const random = seededRandom(hashSeed(seed, 'attributes'));

  const compiled = new Map<string, CompiledType>();
  for (const [type, t] of Object.entries(spec.types)) {
    const pr = t.priority ?? 0;
    let priority: (random: RandomSource) => number;
    if (typeof pr === 'number') {
      priority = () => pr;
    } else {
      const cum = cumulate(pr.map((e) => e.weight));
      priority = (r) => (pr[pick(cum, r)] as { value: number }).value;
    }
    compiled.set(type, {
      complexity: makeDistribution(t.complexity),
      promptTokens: makeDistribution(t.promptTokens),
      outputTokens: t.outputTokens === undefined ? undefined : makeDistribution(t.outputTokens),
      priority,
    });
  }

  const timed: TimedTaskMix = Array.isArray(spec.mix)
    ? (spec.mix as TimedTaskMix)
    : [{ at: 0, mix: spec.mix as TaskMix }];
  const mixes = timed.map((m) => {
    const types = Object.keys(m.mix).filter((k) => (m.mix[k] ?? 0) > 0);
    return { at: m.at, types, cumulative: cumulate(types.map((k) => m.mix[k] ?? 0)) };
  });

  let m = 0;
  let id = 0;
  for (const t of arrivalTimes(spec.arrivals, seededRandom(hashSeed(seed, 'arrivals')))) {
    while (m + 1 < mixes.length && (mixes[m + 1]?.at ?? Number.POSITIVE_INFINITY) <= t) m++;
    const mix = mixes[m]!;
    const type = mix.types[pick(mix.cumulative, random)] as string;
    const c = compiled.get(type)!;
    const complexity = Math.min(1, Math.max(0, c.complexity(random)));
    const prompt = Math.max(1, Math.round(c.promptTokens(random)));
    const priority = c.priority(random);
    if (c.outputTokens === undefined) {
      yield { id: id++, t, type, complexity, tokens: prompt, priority };
    } else {
      const output = Math.max(0, Math.round(c.outputTokens(random)));
      yield {
        id: id++,
        t,
        type,
        complexity,
        tokens: prompt + output,
        outputTokens: output,
        priority,
      };
    }
  }
  throw new Error('unreachable: arrival times never end');
}

/**
 * Generates the first `requests` requests of a workload (see {@link workloadRequests}), sorted by
 * `t`, ids 0… in arrival order. Same spec and seed, same requests.
 *
 * @param spec - The workload.
 * @param seed - Any 32-bit integer.
 * @param requests - How many requests to generate, an integer from 0 to 1,000,000 (a bound
 * checked before anything is allocated: a few million requests exhaust the default V8 heap).
 * @throws ZetaError `CONFIG_INVALID` listing every problem of the spec (unknown keys included),
 * the seed and `requests`.
 * @example
 * const reqs = generateWorkload(scenarios.steady.workload, 42, 1_000);
 */
export function generateWorkload(spec: WorkloadSpec, seed: number, requests: number): SimRequest[] {
  throwIfProblems('generateWorkload arguments', [
    ...workloadProblems(spec, 'spec'),
    ...seedProblems(seed),
    ...countProblems(requests, 'requests'),
  ]);
  const out: SimRequest[] = [];
  if (requests === 0) return out;
  for (const req of workloadRequests(spec, seed)) {
    out.push(req);
    if (out.length >= requests) break;
  }
  return out;
}
