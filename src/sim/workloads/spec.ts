import { throwIfProblems, unknownKeyProblems } from '../../utils/options.js';
import { type DistributionSpec, distributionProblems } from '../distributions.js';
import { isNum, isRecord, MAX_TIME_MS, mustBe } from '../internal/check.js';

/** The workload spec (arrival process, task mix, task types) and its validation. */

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

export function arrivalProblems(spec: unknown, path: string): string[] {
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
