import type { Clock, RandomSource } from '../types.js';
import { configInvalid, throwIfProblems, unknownKeyProblems } from '../utils/options.js';
import {
  type Distribution,
  type DistributionSpec,
  distributionProblems,
  makeDistribution,
} from './distributions.js';
import { isNum, isRecord, mustBe, seedProblems } from './internal/check.js';
import { hashInts, hashString } from './internal/hash.js';
import type { SimRequest, SimResponse } from './types.js';

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
  /** Calls it runs at once (an integer >= 1). */
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

/** The task fields a capability check reads. */
export interface SimTask {
  /** Task type. */
  readonly type: string;
  /** Complexity, 0..1. */
  readonly complexity: number;
  /** Tokens (prompt plus output). @default 0 */
  readonly tokens?: number;
}

/** A model's behaviour at one instant (see {@link modelConditionsAt}). */
export interface SimModelConditions {
  /** Factor applied to service times (product of the active phases' slowdowns). */
  readonly slowdown: number;
  /** Probability that a call started now fails. */
  readonly failureProbability: number;
}

/** The predetermined fate of one call: how long it takes and whether it succeeds. */
export interface SimCallDraw {
  /** Service time in milliseconds (slowdown included). */
  readonly serviceMs: number;
  /** Whether the call succeeds (false: it rejects at the end of its service time). */
  readonly ok: boolean;
}

/** Counters of one {@link SimModelCall}. */
export interface SimModelCallStats {
  /** Calls started (excluding those rejected up front as aborted or incapable). */
  readonly calls: number;
  /** Calls that resolved. */
  readonly completed: number;
  /** Calls that rejected with a model failure. */
  readonly failed: number;
  /** Calls aborted through their signal (before or during service). */
  readonly aborted: number;
  /** Calls rejected at once because the model cannot serve the request. */
  readonly rejected: number;
  /** Calls running now. */
  readonly inFlight: number;
  /** Most calls that ran at once. */
  readonly maxInFlight: number;
  /** Calls started while `concurrency` calls were already running (should stay 0). */
  readonly overCapacity: number;
  /** Total time spent serving, in milliseconds (aborted calls count until the abort). */
  readonly busyMs: number;
}

/**
 * A simulated model client: the `call` function the router is given for this model, with its
 * spec and counters attached.
 */
export interface SimModelCall {
  /** Serves `req` on virtual time; see {@link createSimModelCall}. */
  (req: SimRequest, ctx?: { readonly signal?: AbortSignal }): Promise<SimResponse>;
  /** The model spec. */
  readonly spec: SimModelSpec;
  /** A fresh copy of the counters. */
  stats(): SimModelCallStats;
}

/** Error code of a simulated model failure. */
export type SimModelErrorCode =
  /** The call failed (failure probability hit) at the end of its service time. */
  | 'MODEL_ERROR'
  /** The model cannot serve the request (task type, complexity or tokens): a routing bug. */
  | 'INCAPABLE';

/**
 * Thrown (as a rejection) by a simulated model call that fails: at the end of its service time
 * when the model's failure probability hits (`MODEL_ERROR`), or at once when the model cannot
 * serve the request (`INCAPABLE`).
 */
export class SimModelError extends Error {
  /** Why the call failed. */
  readonly code: SimModelErrorCode;
  /** The model id. */
  readonly model: string;
  /** The request id. */
  readonly requestId: number;

  constructor(code: SimModelErrorCode, model: string, requestId: number, message: string) {
    super(message);
    this.name = 'SimModelError';
    this.code = code;
    this.model = model;
    this.requestId = requestId;
  }
}

/**
 * Thrown (as a rejection) by a simulated model call whose signal aborts. Named `AbortError` like
 * the DOM's, with the signal's reason as `cause`.
 */
export class SimAbortError extends Error {
  constructor(model: string, requestId: number, reason: unknown) {
    super(`model ${model}: request ${requestId} aborted`, { cause: reason });
    this.name = 'AbortError';
  }
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
    Number.isInteger(s['concurrency']) && (s['concurrency'] as number) >= 1,
    'an integer >= 1',
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
        out.push(...distributionProblems(d, `${path}.service.byTask.${task}`));
      }
      if (fallback !== undefined) {
        out.push(...distributionProblems(fallback, `${path}.service.default`));
      } else {
        for (const task of tasks) {
          if (!(task in byTask)) {
            out.push(`${path}.service has no distribution for task '${task}' and no default`);
          }
        }
      }
    }
  } else {
    out.push(...distributionProblems(service, `${path}.service`));
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
 * Lists what is wrong with a fleet: not a non-empty array, a spec's problems
 * ({@link simModelProblems}), an id used twice. Internal: the exported functions taking a fleet
 * add these to their own problems.
 */
export function fleetProblems(models: unknown, path = 'models'): string[] {
  if (!Array.isArray(models) || models.length === 0) {
    return [mustBe(path, 'a non-empty array of model specs', models)];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  models.forEach((m: unknown, i) => {
    out.push(...simModelProblems(m, `${path}[${i}]`));
    const id = isRecord(m) ? m['id'] : undefined;
    if (typeof id === 'string') {
      if (seen.has(id)) out.push(`${path}[${i}].id '${id}' is used by an earlier model`);
      seen.add(id);
    }
  });
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

/**
 * Whether the model can serve the task: its type is listed, its complexity is at most
 * `maxComplexity` and its tokens at most `maxTokens` (the router's capability rule).
 */
export function canServe(spec: SimModelSpec, task: SimTask): boolean {
  return (
    spec.tasks.includes(task.type) &&
    task.complexity <= (spec.maxComplexity ?? 1) &&
    (task.tokens ?? 0) <= (spec.maxTokens ?? Number.POSITIVE_INFINITY)
  );
}

/** The service-time distribution spec of a task type on a model (undefined when none). */
export function serviceSpecFor(spec: SimModelSpec, type: string): DistributionSpec | undefined {
  const service = spec.service;
  if ('byTask' in service) return service.byTask[type] ?? service.default;
  return service;
}

/**
 * The model's behaviour for a call starting at `at` (milliseconds): slowdowns of the active
 * phases multiply; the last active phase that sets a failure probability overrides the base one.
 */
export function modelConditionsAt(spec: SimModelSpec, at: number): SimModelConditions {
  let slowdown = 1;
  let failureProbability = spec.failureProbability ?? 0;
  for (const phase of spec.phases ?? []) {
    if (at >= phase.at && at < (phase.until ?? Number.POSITIVE_INFINITY)) {
      slowdown *= phase.slowdown ?? 1;
      if (phase.failureProbability !== undefined) failureProbability = phase.failureProbability;
    }
  }
  return { slowdown, failureProbability };
}

/** A model spec's samplers, compiled once. */
interface CompiledModel {
  readonly idHash: number;
  readonly byTask: ReadonlyMap<string, Distribution>;
  readonly fallback: Distribution | undefined;
  /** Whether conditions never change (no phases): the base failure probability always holds. */
  readonly constant: boolean;
}

const compiledModels = new WeakMap<SimModelSpec, CompiledModel>();

/**
 * One reusable random stream (splitmix32), reseeded for each call's draw so that drawing
 * allocates nothing. Draws are synchronous, so they never interleave on it.
 */
let callState = 0;
const callRandom: RandomSource = () => {
  callState = (callState + 0x9e3779b9) | 0;
  let z = callState;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
};

function compile(spec: SimModelSpec, subject: string): CompiledModel {
  let c = compiledModels.get(spec);
  if (c === undefined) {
    throwIfProblems(subject, simModelProblems(spec, 'spec'));
    const service = spec.service;
    const byTask = new Map<string, Distribution>();
    let fallback: Distribution | undefined;
    if ('byTask' in service) {
      for (const [task, d] of Object.entries(service.byTask)) byTask.set(task, makeDistribution(d));
      if (service.default !== undefined) fallback = makeDistribution(service.default);
    } else {
      fallback = makeDistribution(service);
    }
    const constant = spec.phases === undefined || spec.phases.length === 0;
    c = { idHash: hashString(spec.id), byTask, fallback, constant };
    compiledModels.set(spec, c);
  }
  return c;
}

/** Stands in for a model id hash when drawing the service time every model shares. */
const SHARED_SERVICE_KEY = 0x5e7_1ce;

/**
 * Draws the fate of one call, deterministically, from two private random streams. The failure
 * draw is seeded by (seed, request id, model id, attempt): each model fails on its own. The base
 * service time is seeded by (seed, request id, attempt) without the model, so every model draws
 * the same quantile of its own distribution: a long request is long everywhere, and the pooled
 * reference's clairvoyance means knowing request sizes, not each model's noise. The slowdown of
 * the phases active at `at` then scales the base time. A request's base service time on a model
 * is the same whatever the phase or failure probability, and the same for every strategy
 * compared on that seed.
 *
 * @param at - When the call starts, in milliseconds (selects the active phases).
 * @param seed - The run's seed (an integer).
 * @param attempt - How many calls of this request this model already served (0 for the first).
 * @throws ZetaError `CONFIG_INVALID` when the spec is invalid or has no service time for the
 * request's type.
 */
export function drawSimCall(
  spec: SimModelSpec,
  req: SimRequest,
  at: number,
  seed: number,
  attempt = 0,
): SimCallDraw {
  const c = compile(spec, 'drawSimCall spec');
  const dist = c.byTask.get(req.type) ?? c.fallback;
  if (dist === undefined) {
    throw configInvalid('drawSimCall arguments', [
      `model ${spec.id} has no service time for task type '${req.type}'`,
    ]);
  }
  // The failure draw is the model's own; the service draw is shared by every model (keyed on the
  // request, not the model), so a long request is long everywhere. Clairvoyance in the pooled
  // reference then means knowing each request's size, not each model's independent noise.
  callState = hashInts(seed, req.id, c.idHash, attempt) | 0;
  const u = callRandom();
  callState = hashInts(seed, req.id, SHARED_SERVICE_KEY, attempt) | 0;
  const base = dist(callRandom, req);
  if (c.constant) {
    return { serviceMs: Math.max(0, base), ok: u >= (spec.failureProbability ?? 0) };
  }
  const { slowdown, failureProbability } = modelConditionsAt(spec, at);
  return { serviceMs: Math.max(0, base * slowdown), ok: u >= failureProbability };
}

/**
 * The service time, in milliseconds, that the first call of `req` on this model would take if it
 * started at `at`: exactly what {@link createSimModelCall} (same seed) will draw. Lets the pooled
 * reference know service times in advance.
 */
export function clairvoyantServiceTime(
  spec: SimModelSpec,
  req: SimRequest,
  at: number,
  seed: number,
): number {
  return drawSimCall(spec, req, at, seed).serviceMs;
}

/**
 * Builds a simulated model client running on `clock`. Each call:
 * - rejects at once with {@link SimAbortError} when `ctx.signal` is already aborted, and with
 *   {@link SimModelError} `INCAPABLE` when the model cannot serve the request;
 * - otherwise draws its fate with {@link drawSimCall} (the request's n-th call on this model uses
 *   attempt n, so a retry on the same model draws afresh), then after the service time resolves
 *   with a {@link SimResponse} or rejects with {@link SimModelError} `MODEL_ERROR`;
 * - if `ctx.signal` aborts meanwhile, clears its timer and rejects with {@link SimAbortError}.
 *
 * It never limits concurrency itself (that is the router's job) but counts violations in
 * `stats().overCapacity`.
 *
 * @param spec - The model spec.
 * @param clock - The clock to wait on (a {@link VirtualClock} in simulations).
 * @param seed - The run's seed; with the request and model ids it fixes every service time.
 * @throws ZetaError `CONFIG_INVALID` listing every problem of the spec (unknown keys
 * included), a clock without `now` / `setTimeout` / `clearTimeout`, or a seed that is not an
 * integer.
 * @example
 * const clock = new VirtualClock();
 * const call = createSimModelCall(spec, clock, 42);
 * const pending = call(request, { signal: AbortSignal.timeout(60_000) });
 */
export function createSimModelCall(spec: SimModelSpec, clock: Clock, seed: number): SimModelCall {
  const problems = [...simModelProblems(spec, 'spec'), ...seedProblems(seed)];
  const c = clock as unknown as Record<string, unknown> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c['now'] !== 'function' ||
    typeof c['setTimeout'] !== 'function' ||
    typeof c['clearTimeout'] !== 'function'
  ) {
    problems.push(mustBe('clock', 'a Clock (now, setTimeout, clearTimeout)', clock));
  }
  throwIfProblems('createSimModelCall arguments', problems);
  compile(spec, 'createSimModelCall arguments');
  const attempts = new Map<number, number>();
  let calls = 0;
  let completed = 0;
  let failed = 0;
  let aborted = 0;
  let rejected = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let overCapacity = 0;
  let busyMs = 0;

  const call = (req: SimRequest, ctx?: { readonly signal?: AbortSignal }): Promise<SimResponse> =>
    new Promise<SimResponse>((resolve, reject) => {
      const signal = ctx?.signal;
      if (signal?.aborted) {
        aborted++;
        reject(new SimAbortError(spec.id, req.id, signal.reason));
        return;
      }
      if (!canServe(spec, req)) {
        rejected++;
        reject(
          new SimModelError(
            'INCAPABLE',
            spec.id,
            req.id,
            `model ${spec.id} cannot serve request ${req.id} (type ${req.type}, complexity ${req.complexity}, ${req.tokens} tokens)`,
          ),
        );
        return;
      }
      const attempt = attempts.get(req.id) ?? 0;
      attempts.set(req.id, attempt + 1);
      const start = clock.now();
      const draw = drawSimCall(spec, req, start, seed, attempt);
      calls++;
      if (inFlight >= spec.concurrency) overCapacity++;
      inFlight++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;

      const finish = (): void => {
        inFlight--;
        busyMs += clock.now() - start;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        clock.clearTimeout(timer);
        finish();
        aborted++;
        reject(new SimAbortError(spec.id, req.id, signal?.reason));
      };
      const timer = clock.setTimeout(() => {
        finish();
        const end = clock.now();
        if (draw.ok) {
          completed++;
          resolve({ id: req.id, model: spec.id, start, end, serviceMs: end - start });
        } else {
          failed++;
          reject(
            new SimModelError(
              'MODEL_ERROR',
              spec.id,
              req.id,
              `model ${spec.id} failed request ${req.id}`,
            ),
          );
        }
      }, draw.serviceMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  return Object.assign(call, {
    spec,
    stats: (): SimModelCallStats => ({
      calls,
      completed,
      failed,
      aborted,
      rejected,
      inFlight,
      maxInFlight,
      overCapacity,
      busyMs,
    }),
  });
}
