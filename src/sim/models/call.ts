import type { Clock } from '../../types.js';
import { throwIfProblems } from '../../utils/options.js';
import { mustBe, seedProblems } from '../internal/check.js';
import type { SimRequest, SimResponse } from '../types.js';
import { drawSimCall } from './draw.js';
import { compileModel } from './internal/compileModel.js';
import { SimAbortError } from './SimAbortError.js';
import { SimModelError } from './SimModelError.js';
import { canServe } from './serving.js';
import { type SimModelSpec, simModelProblems } from './spec.js';

/** The simulated model client: a `call` function on a clock, with counters. */

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
  compileModel(spec, 'createSimModelCall arguments');
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
