import type { Registry } from 'prom-client';
import type { TaskType } from '../../types.js';
import { describeValue, rules, throwIfProblems, unknownKeyProblems } from '../../utils/options.js';

/** Histogram bucket upper bounds, in seconds, per histogram of {@link registerPrometheusMetrics}. */
export interface PrometheusBuckets {
  /** `…request_duration_seconds`: from `run()` to the result. @default {@link defaultBuckets}.requestDuration */
  readonly requestDuration?: readonly number[];
  /** `…call_duration_seconds`: the successful model call alone. @default {@link defaultBuckets}.requestDuration */
  readonly callDuration?: readonly number[];
  /** `…queue_wait_seconds`: time spent waiting for a slot. @default {@link defaultBuckets}.queueWait */
  readonly queueWait?: readonly number[];
  /** `…time_to_first_token_seconds`. @default {@link defaultBuckets}.timeToFirstToken */
  readonly timeToFirstToken?: readonly number[];
}

/** Options of {@link registerPrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /**
   * The prom-client registry to register on: your app's, the one your `/metrics` handler serves.
   * Required: the metrics never go to prom-client's global registry unless you pass it.
   * @example new Registry()
   */
  readonly registry: Registry;
  /**
   * Prefix of every metric name. Must keep names valid Prometheus metric names.
   * @default 'zeta_router_'
   */
  readonly prefix?: string;
  /**
   * Task types that get a `task` label value of their own (an integer from 1 to 1000); later ones
   * are counted under `other`, so a classifier inventing types cannot blow up the series count.
   * @default 20
   */
  readonly maxTaskTypes?: number;
  /**
   * Most probe readings kept per model (an integer from 1 to 1000); later reading names are
   * dropped.
   * @default 32
   */
  readonly maxProbeReadings?: number;
  /** Histogram buckets, in seconds; each list ascending, finite and > 0, at most 64 bounds. */
  readonly buckets?: PrometheusBuckets;
}

/**
 * Default histogram buckets, in seconds. Modelled on vLLM's: LLM calls take from tens of
 * milliseconds (embeddings) to many minutes (long generations), far past prom-client's default
 * buckets, which end at 10 s.
 */
export const defaultBuckets = Object.freeze({
  requestDuration: Object.freeze([
    0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120,
    240, 480, 960,
  ]),
  queueWait: Object.freeze([
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120,
  ]),
  timeToFirstToken: Object.freeze([
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40,
    80, 160, 640, 2560,
  ]),
});

/** Options with every default filled in, as {@link readPrometheusOptions} returns them. */
export interface ResolvedPrometheusOptions {
  readonly registry: Registry;
  readonly prefix: string;
  readonly maxTaskTypes: number;
  readonly maxProbeReadings: number;
  readonly buckets: Required<{ readonly [K in keyof PrometheusBuckets]: readonly number[] }>;
}

const optionKeys = [
  'registry',
  'prefix',
  'maxTaskTypes',
  'maxProbeReadings',
  'buckets',
] as const satisfies readonly (keyof PrometheusMetricsOptions)[];
const bucketKeys = [
  'requestDuration',
  'callDuration',
  'queueWait',
  'timeToFirstToken',
] as const satisfies readonly (keyof PrometheusBuckets)[];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const MAX_BUCKETS = 64;

function bucketProblems(name: string, value: unknown): string[] {
  if (!Array.isArray(value))
    return [`\`buckets.${name}\` must be an array, got ${describeValue(value)}`];
  if (value.length === 0 || value.length > MAX_BUCKETS) {
    return [`\`buckets.${name}\` must hold 1 to ${MAX_BUCKETS} bounds, got ${value.length}`];
  }
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !rules.finitePositive.test(v)) {
      return [`\`buckets.${name}[${i}]\` must be a finite number > 0, got ${describeValue(v)}`];
    }
    if (i > 0 && v <= (value[i - 1] as number)) {
      return [`\`buckets.${name}\` must be strictly ascending, got ${value[i - 1]} then ${v}`];
    }
  }
  return [];
}

function integerProblem(name: string, value: unknown, min: number, max: number): string[] {
  const rule = rules.integerBetween(min, max);
  return typeof value === 'number' && rule.test(value)
    ? []
    : [`\`${name}\` must be ${rule.expect}, got ${describeValue(value)}`];
}

/**
 * Reads every option once (so what is checked is what is used), fills in the defaults and throws
 * one `ZetaError` `CONFIG_INVALID` listing every problem, unknown keys included.
 */
export function readPrometheusOptions(options: unknown): ResolvedPrometheusOptions {
  const subject = 'Prometheus metrics options';
  if (typeof options !== 'object' || options === null) {
    throwIfProblems(subject, [
      `options must be an object with a \`registry\`, got ${describeValue(options)}`,
    ]);
  }
  const o = options as Record<string, unknown>;
  const problems = unknownKeyProblems(o, optionKeys);
  const registry = o['registry'];
  const prefix = o['prefix'] ?? 'zeta_router_';
  const maxTaskTypes = o['maxTaskTypes'] ?? 20;
  const maxProbeReadings = o['maxProbeReadings'] ?? 32;
  const bucketsOption = o['buckets'] ?? {};

  const r = registry as Partial<Record<string, unknown>> | null | undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r['registerMetric'] !== 'function' ||
    typeof r['getSingleMetric'] !== 'function' ||
    typeof r['removeSingleMetric'] !== 'function'
  ) {
    problems.push(
      `\`registry\` must be a prom-client Registry (e.g. \`new Registry()\`), got ${describeValue(registry)}`,
    );
  }
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_NAME.test(prefix))) {
    problems.push(
      `\`prefix\` must be a string of letters, digits, '_' and ':' not starting with a digit, got ${describeValue(prefix)}`,
    );
  }
  problems.push(...integerProblem('maxTaskTypes', maxTaskTypes, 1, 1000));
  problems.push(...integerProblem('maxProbeReadings', maxProbeReadings, 1, 1000));
  const buckets: Record<string, readonly number[]> = {
    requestDuration: defaultBuckets.requestDuration,
    callDuration: defaultBuckets.requestDuration,
    queueWait: defaultBuckets.queueWait,
    timeToFirstToken: defaultBuckets.timeToFirstToken,
  };
  if (typeof bucketsOption !== 'object' || bucketsOption === null || Array.isArray(bucketsOption)) {
    problems.push(`\`buckets\` must be an object, got ${describeValue(bucketsOption)}`);
  } else {
    problems.push(...unknownKeyProblems(bucketsOption, bucketKeys, 'buckets.'));
    for (const key of bucketKeys) {
      const value = (bucketsOption as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const found = bucketProblems(key, value);
      problems.push(...found);
      if (found.length === 0) buckets[key] = Object.freeze([...(value as number[])]);
    }
  }
  throwIfProblems(subject, problems);
  return {
    registry: registry as Registry,
    prefix: prefix as string,
    maxTaskTypes: maxTaskTypes as number,
    maxProbeReadings: maxProbeReadings as number,
    buckets: buckets as ResolvedPrometheusOptions['buckets'],
  };
}

/** The handle {@link registerPrometheusMetrics} returns. */
export interface PrometheusMetrics {
  /** The registry the metrics are registered on. */
  readonly registry: Registry;
  /** Every metric name registered, prefix included. */
  readonly names: readonly string[];
  /** Whether the metrics are still registered (false after `unregister()` or the router's `close()`). */
  readonly registered: boolean;
  /**
   * Records a time to first token, for clients that stream: the router does not see tokens, so
   * `…time_to_first_token_seconds` stays empty until your client (or a router that emits
   * `firstToken` events) feeds it.
   * @param seconds - From the call's start to its first token, in seconds (finite, >= 0).
   */
  observeTimeToFirstToken(model: string, task: TaskType, seconds: number): void;
  /**
   * Sets one reading a model server reports of itself (e.g. `kv_cache_usage_ratio`,
   * `requests_running`), exported as `…probe_reading{model, reading}` until the model leaves
   * the router. Readings past `maxProbeReadings` per model are dropped.
   */
  setProbeReading(model: string, reading: string, value: number): void;
  /** Removes every metric from the registry and stops listening. Idempotent. */
  unregister(): void;
}
