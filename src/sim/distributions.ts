import type { RandomSource } from '../types.js';
import { configInvalid, throwIfProblems, unknownKeyProblems } from '../utils/options.js';
import { isNum, mustBe } from './internal/check.js';

/**
 * What a sampler may know about the request it samples for. Only token-dependent samplers
 * ({@link prefillDecode}) read it; the others ignore it.
 */
export interface SampleContext {
  /** Tokens of the request, prompt plus output (as in `TaskProfile.tokens`). */
  readonly tokens: number;
  /** Output (generated) tokens, part of `tokens`. @default 0 */
  readonly outputTokens?: number;
}

/**
 * A sampler: draws one number from `random` (uniform in [0, 1)). Same `random` sequence, same
 * draws. Samplers used for durations return milliseconds.
 */
export type Distribution = (random: RandomSource, context?: SampleContext) => number;

/** Always `value`. */
export interface ConstantSpec {
  readonly kind: 'constant';
  /** The value. */
  readonly value: number;
}

/** Exponential with the given mean (rate = 1 / mean). */
export interface ExponentialSpec {
  readonly kind: 'exponential';
  /** The mean, > 0 (e.g. milliseconds). */
  readonly mean: number;
}

/** Log-normal given by its median and spread. */
export interface LognormalSpec {
  readonly kind: 'lognormal';
  /** The median, > 0. */
  readonly median: number;
  /** The p95 / median ratio, 1 to 1000 (1 means always the median). @default 2 */
  readonly spread?: number;
}

/** Uniform on [min, max). */
export interface UniformSpec {
  readonly kind: 'uniform';
  /** Lower bound. */
  readonly min: number;
  /** Upper bound, >= min. */
  readonly max: number;
}

/** One of the given values, each equally likely (repeat a value to weight it). */
export interface EmpiricalSpec {
  readonly kind: 'empirical';
  /** The observed values (at least one). */
  readonly values: readonly number[];
}

/** Token-dependent service time: overhead + prefill per prompt token + decode per output token. */
export interface PrefillDecodeSpec {
  readonly kind: 'prefillDecode';
  /** Milliseconds per prompt token (tokens minus output tokens), >= 0. */
  readonly prefillMsPerToken: number;
  /** Milliseconds per output token, >= 0. */
  readonly decodeMsPerToken: number;
  /** Fixed milliseconds per call, >= 0. @default 0 */
  readonly overheadMs?: number;
  /**
   * Multiplicative log-normal noise with median 1, given as its p95 / median ratio (1 to 1000).
   * @default 1 (no noise)
   */
  readonly jitter?: number;
}

/**
 * A serialisable description of a {@link Distribution}, for scenarios and workloads. Turn it into
 * a sampler with {@link makeDistribution}.
 *
 * @example
 * const spec: DistributionSpec = { kind: 'lognormal', median: 1200, spread: 2.5 };
 */
export type DistributionSpec =
  | ConstantSpec
  | ExponentialSpec
  | LognormalSpec
  | UniformSpec
  | EmpiricalSpec
  | PrefillDecodeSpec;

/** z such that P(N(0,1) < z) = 0.95. */
const Z95 = 1.6448536269514722;

/** Default p95 / median ratio of {@link lognormal}. */
const DEFAULT_SPREAD = 2;

/**
 * Largest `spread` (and `jitter`): p95 a thousand times the median is already a tail no server
 * has; far beyond it samples overflow to Infinity and break the simulation's clock.
 */
const MAX_SPREAD = 1000;

/** A standard normal draw (Box-Muller, one of the pair: always two uniforms). */
function normal(random: RandomSource): number {
  const u = 1 - random(); // (0, 1]: log stays finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Sigma of the underlying normal for a p95 / median ratio. */
function sigmaOf(spread: number): number {
  return Math.log(spread) / Z95;
}

/** The fields of each kind of spec, `kind` first. */
const SPEC_KEYS = {
  constant: ['kind', 'value'],
  exponential: ['kind', 'mean'],
  lognormal: ['kind', 'median', 'spread'],
  uniform: ['kind', 'min', 'max'],
  empirical: ['kind', 'values'],
  prefillDecode: ['kind', 'prefillMsPerToken', 'decodeMsPerToken', 'overheadMs', 'jitter'],
} as const satisfies Record<DistributionSpec['kind'], readonly string[]>;

const KINDS = Object.keys(SPEC_KEYS) as ReadonlyArray<DistributionSpec['kind']>;

/**
 * Problems of the options object of a sampler factory such as {@link lognormal}: not an object,
 * or unknown keys; then the spec's own problems, the `kind` set by the factory.
 */
function factoryProblems(kind: DistributionSpec['kind'], options: unknown): string[] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return [mustBe('options', 'an object', options)];
  }
  const known = SPEC_KEYS[kind].slice(1);
  return [
    ...unknownKeyProblems(options, known),
    ...distributionProblems({ ...options, kind }, '').filter((p) => !p.startsWith('unknown')),
  ];
}

/**
 * Lists what is wrong with a distribution spec, each message prefixed with `path`.
 * Returns an empty array for a valid spec.
 *
 * @param spec - The spec to check (any value: it may come from JSON).
 * @param path - Where the spec sits, for messages (e.g. `'models[0].service'`).
 */
export function distributionProblems(spec: unknown, path = 'distribution'): string[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return [mustBe(path, 'a distribution spec object', spec)];
  }
  const s = spec as Record<string, unknown>;
  const at = path === '' ? '' : `${path}.`;
  const kind = s['kind'];
  const out: string[] =
    typeof kind === 'string' && Object.hasOwn(SPEC_KEYS, kind)
      ? unknownKeyProblems(s, SPEC_KEYS[kind as DistributionSpec['kind']], at)
      : [];
  const need = (field: string, ok: boolean, expect: string): void => {
    if (!ok) out.push(mustBe(`${at}${field}`, expect, s[field]));
  };
  switch (kind) {
    case 'constant':
      need('value', isNum(s['value']), 'a finite number');
      break;
    case 'exponential':
      need('mean', isNum(s['mean']) && s['mean'] > 0, 'a finite number > 0');
      break;
    case 'lognormal':
      need('median', isNum(s['median']) && s['median'] > 0, 'a finite number > 0');
      need(
        'spread',
        s['spread'] === undefined ||
          (isNum(s['spread']) && s['spread'] >= 1 && s['spread'] <= MAX_SPREAD),
        `a number from 1 to ${MAX_SPREAD} (p95 / median)`,
      );
      break;
    case 'uniform':
      need('min', isNum(s['min']), 'a finite number');
      need(
        'max',
        isNum(s['max']) && (!isNum(s['min']) || s['max'] >= s['min']),
        'a finite number >= min',
      );
      break;
    case 'empirical': {
      const v = s['values'];
      need(
        'values',
        Array.isArray(v) && v.length > 0 && v.every(isNum),
        'a non-empty array of finite numbers',
      );
      break;
    }
    case 'prefillDecode':
      need(
        'prefillMsPerToken',
        isNum(s['prefillMsPerToken']) && s['prefillMsPerToken'] >= 0,
        'a finite number >= 0',
      );
      need(
        'decodeMsPerToken',
        isNum(s['decodeMsPerToken']) && s['decodeMsPerToken'] >= 0,
        'a finite number >= 0',
      );
      need(
        'overheadMs',
        s['overheadMs'] === undefined || (isNum(s['overheadMs']) && s['overheadMs'] >= 0),
        'a finite number >= 0',
      );
      need(
        'jitter',
        s['jitter'] === undefined ||
          (isNum(s['jitter']) && s['jitter'] >= 1 && s['jitter'] <= MAX_SPREAD),
        `a number from 1 to ${MAX_SPREAD} (p95 / median of the noise)`,
      );
      break;
    default:
      out.push(mustBe(`${at}kind`, `one of ${KINDS.join(', ')}`, kind));
  }
  return out;
}

/**
 * Always returns `value`.
 *
 * @throws ZetaError `CONFIG_INVALID` when `value` is not finite.
 */
export function constant(value: number): Distribution {
  throwIfProblems('constant arguments', distributionProblems({ kind: 'constant', value }, ''));
  return () => value;
}

/**
 * Exponential samples with mean `1 / rate`, by inversion (one uniform per sample).
 *
 * @param rate - Events per unit, > 0 (e.g. `1 / 200` gives a mean of 200 ms).
 * @throws ZetaError `CONFIG_INVALID` when `rate` is not a finite number > 0.
 * @example
 * const serviceMs = exponential(1 / 800); // mean 800 ms
 */
export function exponential(rate: number): Distribution {
  if (!isNum(rate) || rate <= 0) {
    throw configInvalid('exponential arguments', [mustBe('rate', 'a finite number > 0', rate)]);
  }
  return (random) => -Math.log(1 - random()) / rate;
}

/**
 * Log-normal samples: `median * exp(sigma * z)` with `sigma = ln(spread) / 1.645`, so that the
 * 95th percentile is `spread` times the median. The mean is `median * exp(sigma² / 2)`
 * (e.g. spread 2.5 gives a mean 1.168 times the median). Two uniforms per sample.
 *
 * @param options.median - The median, > 0.
 * @param options.spread - The p95 / median ratio, 1 to 1000. @default 2
 * @throws ZetaError `CONFIG_INVALID` listing every problem: an option out of range or an
 * unknown key.
 * @example
 * const serviceMs = lognormal({ median: 1200, spread: 2.5 }); // p95 = 3000 ms
 */
export function lognormal(options: {
  readonly median: number;
  readonly spread?: number;
}): Distribution {
  throwIfProblems('lognormal options', factoryProblems('lognormal', options));
  return lognormalSampler(options);
}

function lognormalSampler(options: { readonly median: number; readonly spread?: number }) {
  const { median } = options;
  const sigma = sigmaOf(options.spread ?? DEFAULT_SPREAD);
  return (random: RandomSource): number => median * Math.exp(sigma * normal(random));
}

/**
 * Uniform samples on [min, max).
 *
 * @throws ZetaError `CONFIG_INVALID` when a bound is not finite or `max < min`.
 */
export function uniform(min: number, max: number): Distribution {
  throwIfProblems('uniform arguments', distributionProblems({ kind: 'uniform', min, max }, ''));
  const width = max - min;
  return (random) => min + width * random();
}

/**
 * Picks one of `values`, each equally likely (resampling observed data). The array is copied.
 *
 * @throws ZetaError `CONFIG_INVALID` when `values` is empty or holds a non-finite number.
 */
export function empirical(values: readonly number[]): Distribution {
  throwIfProblems('empirical arguments', distributionProblems({ kind: 'empirical', values }, ''));
  const copy = [...values];
  const n = copy.length;
  return (random) => copy[Math.min(n - 1, Math.floor(random() * n))] as number;
}

/**
 * Token-dependent service time, in milliseconds:
 * `(overheadMs + prefillMsPerToken * promptTokens + decodeMsPerToken * outputTokens) * noise`,
 * where `promptTokens = tokens - outputTokens` from the {@link SampleContext} (0 without one) and
 * `noise` is log-normal with median 1 and p95 / median `jitter`. Always draws two uniforms.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem: an option out of range or an
 * unknown key.
 * @example
 * const serviceMs = prefillDecode({ prefillMsPerToken: 0.2, decodeMsPerToken: 25, overheadMs: 40 });
 * serviceMs(random, { tokens: 1100, outputTokens: 100 }); //=> 40 + 200 + 2500 = 2740
 */
export function prefillDecode(options: {
  readonly prefillMsPerToken: number;
  readonly decodeMsPerToken: number;
  readonly overheadMs?: number;
  readonly jitter?: number;
}): Distribution {
  throwIfProblems('prefillDecode options', factoryProblems('prefillDecode', options));
  return prefillDecodeSampler(options);
}

function prefillDecodeSampler(options: Omit<PrefillDecodeSpec, 'kind'>): Distribution {
  const { prefillMsPerToken, decodeMsPerToken } = options;
  const overheadMs = options.overheadMs ?? 0;
  const sigma = sigmaOf(options.jitter ?? 1);
  return (random, context) => {
    const noise = Math.exp(sigma * normal(random));
    const output = context?.outputTokens ?? 0;
    const prompt = Math.max(0, (context?.tokens ?? 0) - output);
    return (overheadMs + prefillMsPerToken * prompt + decodeMsPerToken * output) * noise;
  };
}

/**
 * Builds the sampler a {@link DistributionSpec} describes.
 *
 * @throws ZetaError `CONFIG_INVALID` naming every invalid or unknown field of the spec.
 * @example
 * const sample = makeDistribution({ kind: 'exponential', mean: 250 });
 * sample(seededRandom(1)); // a draw with mean 250
 */
export function makeDistribution(spec: DistributionSpec): Distribution {
  throwIfProblems('makeDistribution spec', distributionProblems(spec));
  switch (spec.kind) {
    case 'constant':
      return constant(spec.value);
    case 'exponential':
      return exponential(1 / spec.mean);
    case 'lognormal':
      return lognormalSampler(spec);
    case 'uniform':
      return uniform(spec.min, spec.max);
    case 'empirical':
      return empirical(spec.values);
    case 'prefillDecode':
      return prefillDecodeSampler(spec);
  }
}

/**
 * The exact mean of a {@link DistributionSpec} (for a token-dependent spec, the mean for the given
 * context). Used to compute the load a scenario puts on a fleet.
 *
 * @throws ZetaError `CONFIG_INVALID` naming every invalid or unknown field of the spec.
 */
export function distributionMean(spec: DistributionSpec, context?: SampleContext): number {
  throwIfProblems('distributionMean spec', distributionProblems(spec));
  switch (spec.kind) {
    case 'constant':
      return spec.value;
    case 'exponential':
      return spec.mean;
    case 'lognormal': {
      const sigma = sigmaOf(spec.spread ?? DEFAULT_SPREAD);
      return spec.median * Math.exp((sigma * sigma) / 2);
    }
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'empirical':
      return spec.values.reduce((a, b) => a + b, 0) / spec.values.length;
    case 'prefillDecode': {
      const sigma = sigmaOf(spec.jitter ?? 1);
      const output = context?.outputTokens ?? 0;
      const prompt = Math.max(0, (context?.tokens ?? 0) - output);
      const base =
        (spec.overheadMs ?? 0) + spec.prefillMsPerToken * prompt + spec.decodeMsPerToken * output;
      return base * Math.exp((sigma * sigma) / 2);
    }
  }
}
