import {
  type CapacityCoordinator,
  type CapacityLease,
  LEASE_ANSWER_MS,
} from '../../capacity/CapacityCoordinator.js';
import { describeError } from '../../errors/describeError.js';
import { ModelCallError } from '../../errors/ModelCallError.js';
import type { Clock } from '../../types.js';
import type { Stages } from './context.js';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/** A call waiting for its lease: set while the coordinator has not answered. */
export interface LeaseWaiter {
  acquiring: boolean;
}

/** A coordinator that failed to answer: the attempt fails as an overloaded model's call would. */
export function leaseError(model: string, cause: unknown): ModelCallError {
  return new ModelCallError(
    'overloaded',
    `The capacity coordinator gave no lease for ${model}: ${describeError(cause, 200)}.`,
    { cause },
  );
}

/** Gives a lease back; a coordinator that throws is reported on a later microtask, not here. */
export function giveBack(capacity: CapacityCoordinator | undefined, lease: CapacityLease): void {
  try {
    capacity?.release(lease);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Asks `capacity` for a lease of `tokens` on `model` and hands the answer to `then` (with `async`
 * true when it came later, from a promise). Returns what `then` returns, or a promise of it. An
 * acquire that throws, rejects or does not answer within {@link LEASE_ANSWER_MS} throws (or
 * rejects with) an `overloaded` {@link ModelCallError}; a lease answered after that is given back.
 */
export function requestLease(
  capacity: CapacityCoordinator,
  clock: Clock,
  model: { readonly id: string; readonly concurrency: number; readonly maxTokens: number },
  tokens: number,
  waiter: LeaseWaiter,
  then: (lease: CapacityLease | undefined, async: boolean) => unknown,
): unknown {
  let answer: CapacityLease | undefined | PromiseLike<CapacityLease | undefined>;
  try {
    answer = capacity.acquire({
      model: model.id,
      tokens,
      limits: { concurrency: model.concurrency, maxTokens: model.maxTokens },
    });
  } catch (error) {
    throw leaseError(model.id, error);
  }
  if (!isThenable(answer)) return then(checked(model.id, answer), false);
  waiter.acquiring = true;
  const pending = answer;
  return new Promise<unknown>((resolve, reject) => {
    let answered = false;
    const timer = clock.setTimeout(() => {
      if (answered) return;
      answered = true;
      waiter.acquiring = false;
      reject(leaseError(model.id, `no answer within ${LEASE_ANSWER_MS}ms`));
    }, LEASE_ANSWER_MS);
    const settle = (lease: unknown, error: unknown, failed: boolean): void => {
      if (answered) {
        // Too late: the request went on without it.
        if (!failed && typeof lease === 'object' && lease !== null)
          giveBack(capacity, lease as CapacityLease);
        return;
      }
      answered = true;
      waiter.acquiring = false;
      clock.clearTimeout(timer);
      try {
        if (failed) throw leaseError(model.id, error);
        resolve(then(checked(model.id, lease), true));
      } catch (thrown) {
        reject(thrown);
      }
    };
    try {
      pending.then(
        (lease) => settle(lease, undefined, false),
        (error: unknown) => settle(undefined, error, true),
      );
    } catch (error) {
      settle(undefined, error, true);
    }
  });
}

/** The answer as a lease or a refusal; anything else is a broken coordinator's answer. */
function checked(model: string, answer: unknown): CapacityLease | undefined {
  if (answer === undefined || (typeof answer === 'object' && answer !== null))
    return answer as CapacityLease | undefined;
  throw leaseError(model, `acquire() answered ${describeError(answer, 60)}, not a lease`);
}

/** The coordinator's `isFull` answer; false when it throws (reported on a later microtask). */
export function isFull(capacity: CapacityCoordinator, model: string): boolean {
  try {
    return capacity.isFull(model) === true;
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
    return false;
  }
}

/**
 * Keeps every model's `sharedFull` in step with the coordinator: read now, and again whenever it
 * says a model changed; a model with room again takes its waiting requests (on a microtask, out of
 * the coordinator's own call). Returns the function that stops listening.
 */
export function watchCapacity<Req, Res>(
  capacity: CapacityCoordinator,
  s: Stages<Req, Res>,
): () => void {
  for (const e of s.fleet.entries()) e.sharedFull = isFull(capacity, e.model.id);
  try {
    const unwatch = capacity.watch((model) => {
      const e = typeof model === 'string' ? s.fleet.get(model) : undefined;
      if (e === undefined || e.removed) return;
      e.sharedFull = isFull(capacity, model);
      if (!e.sharedFull) queueMicrotask(() => s.admission.pump(e));
    });
    return typeof unwatch === 'function' ? unwatch : () => undefined;
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
    return () => undefined;
  }
}
