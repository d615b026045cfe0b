/**
 * The capacity of one model as a {@link CapacityCoordinator} holds it: the most calls and the most
 * estimated tokens running at once, summed over every router that shares the model.
 */
export interface CapacityLimits {
  /** Calls running at once, in all (an integer >= 1). */
  readonly concurrency: number;
  /** Estimated tokens of the running calls, in all; Infinity for no budget. */
  readonly maxTokens: number;
}

/** What a router asks a {@link CapacityCoordinator} for when a call is about to start. */
export interface LeaseRequest {
  /** The model id. */
  readonly model: string;
  /** The request's estimated tokens (0 when unknown). */
  readonly tokens: number;
  /**
   * The model's limits as the asking router's config gives them (`concurrency`, `maxTokens`). A
   * coordinator may hold limits of its own for the model instead.
   */
  readonly limits: CapacityLimits;
}

/** One call's share of a model's capacity, held from the call's start until it settles. */
export interface CapacityLease {
  /** The model id. */
  readonly model: string;
  /** The estimated tokens it holds. */
  readonly tokens: number;
}

/**
 * Holds the capacity of models that several routers share (several processes or machines calling
 * the same model servers), so that together they never run more calls or tokens on a model than its
 * limits. The router asks for a lease when a call gets its slot and gives it back when the call
 * settles, is released after its abort grace, or never started.
 *
 * The router's side of the contract:
 * - `acquire` is called once per call start, `release` exactly once per granted lease.
 * - A refusal (`undefined`) is not an error: the model counts as busy, like a model whose probe
 *   reports it busy, and the request goes back to routing (another model with room, or the
 *   admission queue, or `CAPACITY_EXCEEDED` when the waiting room is full).
 * - An `acquire` that throws, rejects or does not answer within {@link LEASE_ANSWER_MS} counts as
 *   an overloaded model for that request (it moves on to the next candidate).
 *
 * The coordinator's side:
 * - `isFull` is cheap and synchronous (a cached view: no I/O on a routing decision). After it
 *   refused a lease for a model, it keeps answering `true` for that model until it has called the
 *   `watch` listener for it; it calls the listener whenever a model may have room again.
 * - `release` never throws and returns at once (any I/O happens in the background).
 *
 * Built-ins: {@link InMemoryCapacityCoordinator} (routers in one process), and
 * `RedisCapacityCoordinator` from `zeta-router/redis` (routers in several processes or machines).
 */
export interface CapacityCoordinator {
  /**
   * A lease for one call of `request.tokens` on `request.model`, or `undefined` when the model has
   * no room across the routers sharing it. May answer synchronously or with a promise.
   */
  acquire(
    request: LeaseRequest,
  ): CapacityLease | undefined | PromiseLike<CapacityLease | undefined>;
  /** Gives a lease back (exactly once per granted lease). */
  release(lease: CapacityLease): void;
  /** Whether `model` is known to have no room for another call now (from a cached view). */
  isFull(model: string): boolean;
  /**
   * Registers a listener called with a model id whenever that model may have room again (or its
   * `isFull` answer changed). Returns a function that removes the listener.
   */
  watch(listener: (model: string) => void): () => void;
}

/**
 * How long the router waits for an asynchronous `acquire` answer, in milliseconds: a later answer
 * counts as a refusal by an overloaded coordinator (a lease granted after it is given back at once).
 */
export const LEASE_ANSWER_MS = 5000;
