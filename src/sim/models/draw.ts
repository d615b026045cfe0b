import type { RandomSource } from '../../types.js';
import { configInvalid } from '../../utils/options.js';
import { hashInts } from '../internal/hash.js';
import type { SimRequest } from '../types.js';
import { compileModel } from './internal/compileModel.js';
import { modelConditionsAt } from './serving.js';
import type { SimModelSpec } from './spec.js';

/** The fate of one simulated call (service time, success), drawn deterministically. */

/** The predetermined fate of one call: how long it takes and whether it succeeds. */
export interface SimCallDraw {
  /** Service time in milliseconds (slowdown included). */
  readonly serviceMs: number;
  /** Whether the call succeeds (false: it rejects at the end of its service time). */
  readonly ok: boolean;
}

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
  const c = compileModel(spec, 'drawSimCall spec');
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
