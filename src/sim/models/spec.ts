import { throwIfProblems, unknownKeyProblems } from '../../utils/options.js';
import { type DistributionSpec, distributionProblems } from '../distributions.js';
import { isNum, isRecord, mustBe } from '../internal/check.js';

/** The simulated model spec (plain, serialisable data) and its validation, alone and as a fleet. */

/**
 * A period in which a simulated model behaves differently: slower, or failing more often.
 * Active from `at` (inclusive) to `until` (exclusive); times in milliseconds of virtual time.
 *
 * @example
 * // 10x slower from 2 min to 4 min, then back to normal
 * const phase: SimModelPhase = { at: 120_000, until: 240_000, slowdown: 10 };
 */
export interface SimModelPhase {
  /** Start of the phase, in milliseconds. */
  readonly at: number;
  /** End of the phase (exclusive), in milliseconds. @default Infinity (never recovers) */
  readonly until?: number;
  /** Service times are multiplied by this factor (> 0). Overlapping phases multiply. @default 1 */
  readonly slowdown?: number;
  /**
   * Probability (0..1) that a call fails during the phase. Overrides the model's
   * {@link SimModelSpec.failureProbability}; among overlapping phases, the last listed wins.
   */
  readonly failureProbability?: number;
}

/** Service-time distributions per task type, with an optional fallback. */
export interface SimServiceByTask {
  /** Service time of each task type, in milliseconds. */
  readonly byTask: Readonly<Record<string, DistributionSpec>>;
  /** Service time of task types not listed in `byTask`, in milliseconds. */
  readonly default?: DistributionSpec;
}

/**
 * A simulated model: its capabilities (mirroring the router's model config), its capacity and
 * how long and how reliably it serves. Plain, serialisable data; treat it as immutable once used
 * (compiled samplers are cached per spec object).
 */
export interface SimModelSpec {
  /** Unique model id. */
  readonly id: string;
  /** Task types it can serve. */
  readonly tasks: readonly string[];
  /** Task types it is the home (static-table) model of. @default [] */
  readonly home?: readonly string[];
  /** Highest complexity (0..1) it accepts. @default 1 */
  readonly maxComplexity?: number;
  /** Calls it runs at once (an integer from 1 to 100,000). */
  readonly concurrency: number;
  /**
   * Token budget: the most tokens it holds at once (the router's lane budget). A request with
   * more tokens can never run on it. The pooled reference uses it as a per-request limit only.
   * @default Infinity
   */
  readonly maxTokens?: number;
  /** Longest queue its lane in the router may hold (the pooled reference ignores it). */
  readonly maxQueue?: number;
  /** Relative cost of one call (arbitrary unit). @default 1 */
  readonly cost?: number;
  /** Service time in milliseconds: one distribution for every task, or one per task type. */
  readonly service: DistributionSpec | SimServiceByTask;
  /** Probability (0..1) that a call fails at the end of its service time. @default 0 */
  readonly failureProbability?: number;
  /** Time-varying behaviour (slowdowns, failure periods). @default [] */
  readonly phases?: readonly SimModelPhase[];
}

const isProbability = (x: unknown): boolean => isNum(x) && x >= 0 && x <= 1;

/** The fields of a {@link SimModelSpec}. */
const MODEL_KEYS = [
  'id',
  'tasks',
  'home',
  'maxComplexity',
  'concurrency',
  'maxTokens',
  'maxQueue',
  'cost',
  'service',
  'failureProbability',
  'phases',
] as const satisfies ReadonlyArray<keyof SimModelSpec>;

/** The fields of a {@link SimModelPhase}. */
const PHASE_KEYS = [
  'at',
  'until',
  'slowdown',
  'failureProbability',
] as const satisfies ReadonlyArray<keyof SimModelPhase>;

/** The fields of a {@link SimServiceByTask}. */
const SERVICE_KEYS = ['byTask', 'default'] as const satisfies ReadonlyArray<keyof SimServiceByTask>;

/**
 * Lists what is wrong with a model spec, each message prefixed with `path`. Empty when valid.
 *
 * @param spec - The spec (any value: it may come from JSON).
 * @param path - Where the spec sits, for messages.
 */
export function simModelProblems(spec: unknown, path = 'model'): string[] {
  if (!isRecord(spec)) return [mustBe(path, 'a model spec object', spec)];
  const s = spec;
  const out: string[] = unknownKeyProblems(s, MODEL_KEYS, `${path}.`);
  const need = (field: string, ok: boolean, expect: string): void => {
    if (!ok) out.push(mustBe(`${path}.${field}`, expect, s[field]));
  };
  const optional = (field: string, ok: (x: unknown) => boolean, expect: string): void =>
    need(field, s[field] === undefined || ok(s[field]), expect);
  const isStrings = (x: unknown): boolean =>
    Array.isArray(x) && x.every((t) => typeof t === 'string' && t.length > 0);

  need('id', typeof s['id'] === 'string' && s['id'].length > 0, 'a non-empty string');
  need(
    'tasks',
    isStrings(s['tasks']) && (s['tasks'] as unknown[]).length > 0,
    'a non-empty array of task types',
  );
  optional('home', isStrings, 'an array of task types');
  optional('maxComplexity', isProbability, 'a number in [0, 1]');
  need(
    'concurrency',
    Number.isInteger(s['concurrency']) &&
      (s['concurrency'] as number) >= 1 &&
      (s['concurrency'] as number) <= MAX_CONCURRENCY,
    `an integer from 1 to ${MAX_CONCURRENCY.toLocaleString('en-US')}`,
  );
  optional('maxTokens', (x) => typeof x === 'number' && x > 0, 'a number > 0 (Infinity allowed)');
  optional('maxQueue', (x) => Number.isInteger(x) && (x as number) >= 0, 'an integer >= 0');
  optional('cost', (x) => isNum(x) && x >= 0, 'a finite number >= 0');
  optional('failureProbability', isProbability, 'a number in [0, 1]');

  const tasks = isStrings(s['tasks']) ? (s['tasks'] as string[]) : [];
  const home = isStrings(s['home']) ? (s['home'] as string[]) : [];
  for (const h of home) {
    if (!tasks.includes(h)) out.push(`${path}.home lists '${h}', which is not in ${path}.tasks`);
  }

  const service = s['service'];
  if (isRecord(service) && 'byTask' in service) {
    out.push(...unknownKeyProblems(service, SERVICE_KEYS, `${path}.service.`));
    const byTask = service['byTask'];
    const fallback = service['default'];
    if (!isRecord(byTask)) {
      out.push(mustBe(`${path}.service.byTask`, 'an object of distribution specs', byTask));
    } else {
      for (const [task, d] of Object.entries(byTask)) {
        out.push(...serviceProblems(d, `${path}.service.byTask.${task}`));
      }
      if (fallback !== undefined) {
        out.push(...serviceProblems(fallback, `${path}.service.default`));
      } else {
        for (const task of tasks) {
          if (!Object.hasOwn(byTask, task)) {
            out.push(`${path}.service has no distribution for task '${task}' and no default`);
          }
        }
      }
    }
  } else {
    out.push(...serviceProblems(service, `${path}.service`));
  }

  const phases = s['phases'];
  if (phases !== undefined) {
    if (!Array.isArray(phases)) {
      out.push(mustBe(`${path}.phases`, 'an array', phases));
    } else {
      phases.forEach((p: unknown, i) => {
        const pp = `${path}.phases[${i}]`;
        if (!isRecord(p)) {
          out.push(mustBe(pp, 'an object', p));
          return;
        }
        const q = p;
        out.push(...unknownKeyProblems(q, PHASE_KEYS, `${pp}.`));
        if (!isNum(q['at']) || q['at'] < 0)
          out.push(mustBe(`${pp}.at`, 'a finite number >= 0', q['at']));
        if (
          q['until'] !== undefined &&
          !(typeof q['until'] === 'number' && isNum(q['at']) && q['until'] > q['at'])
        ) {
          out.push(mustBe(`${pp}.until`, 'a number > at', q['until']));
        }
        if (q['slowdown'] !== undefined && !(isNum(q['slowdown']) && q['slowdown'] > 0)) {
          out.push(mustBe(`${pp}.slowdown`, 'a finite number > 0', q['slowdown']));
        }
        if (q['failureProbability'] !== undefined && !isProbability(q['failureProbability'])) {
          out.push(
            mustBe(`${pp}.failureProbability`, 'a number in [0, 1]', q['failureProbability']),
          );
        }
      });
    }
  }
  return out;
}

/**
 * A service-time distribution's problems: those of any distribution, then a value below 0 (a
 * constant, a uniform's `min`, an empirical sample), which no call can take.
 */
function serviceProblems(d: unknown, path: string): string[] {
  const out = distributionProblems(d, path);
  if (out.length > 0 || !isRecord(d)) return out;
  const negative = (x: unknown): boolean => isNum(x) && x < 0;
  if (d['kind'] === 'constant' && negative(d['value']))
    out.push(mustBe(`${path}.value`, 'a service time >= 0', d['value']));
  if (d['kind'] === 'uniform' && negative(d['min']))
    out.push(mustBe(`${path}.min`, 'a service time >= 0', d['min']));
  if (d['kind'] === 'empirical' && Array.isArray(d['values']) && d['values'].some(negative))
    out.push(`${path}.values must be service times >= 0, got a negative one`);
  return out;
}

/** Most concurrent calls of one simulated model (the pooled reference holds a slot for each). */
const MAX_CONCURRENCY = 100_000;

/** Problems listed for one fleet before the rest are only counted (a fleet file can be huge). */
const MAX_LISTED_MODEL_PROBLEMS = 100;

/**
 * Lists what is wrong with a fleet: not a non-empty array, a spec's problems
 * ({@link simModelProblems}), an id used twice. Internal: the exported functions taking a fleet
 * add these to their own problems.
 */
export function fleetProblems(models: unknown, path = 'models'): string[] {
  if (!Array.isArray(models) || models.length === 0) {
    return [mustBe(path, 'a non-empty array of model specs', models)];
  }
  const out: string[] = [];
  let more = 0;
  const add = (problems: readonly string[]): void => {
    for (const p of problems) {
      if (out.length < MAX_LISTED_MODEL_PROBLEMS) out.push(p);
      else more++;
    }
  };
  const seen = new Set<string>();
  models.forEach((m: unknown, i) => {
    add(simModelProblems(m, `${path}[${i}]`));
    const id = isRecord(m) ? m['id'] : undefined;
    if (typeof id === 'string') {
      if (seen.has(id)) add([`${path}[${i}].id '${id}' is used by an earlier model`]);
      seen.add(id);
    }
  });
  if (more > 0) out.push(`and ${more} more problems in ${path}`);
  return out;
}

/**
 * Checks a fleet of model specs: each spec valid (unknown keys included), ids unique.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem found.
 */
export function assertValidFleet(models: readonly SimModelSpec[]): void {
  throwIfProblems('assertValidFleet models', fleetProblems(models));
}
