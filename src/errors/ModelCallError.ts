/**
 * Why a model call failed, as a client tells the router:
 *
 * - `overloaded`: the model's server is full or rate-limited (HTTP 429 or 503, a full queue). The
 *   router cools that model down (for `retryAfterMs` when the server said, else its own backoff)
 *   and sends the request to the next candidate; the model's health is not hurt.
 * - `rejected-request`: the request itself was refused (HTTP 400, 413, 422: too long, bad
 *   parameters). It is not retried elsewhere and does not hurt the model's health: the request
 *   fails with `REQUEST_REJECTED`.
 * - `unavailable`: the model could not be reached or broke (connection refused or reset, a
 *   timeout, HTTP 500). A failure like any other thrown error: it counts against the model's
 *   health and the request may be retried on another model.
 */
export type ModelCallFailure = 'overloaded' | 'rejected-request' | 'unavailable';

const brand = Symbol.for('zeta-router.ModelCallError');

/** Options of {@link ModelCallError}. */
export interface ModelCallErrorOptions {
  /** For `overloaded`: how long the server asked callers to wait, in milliseconds (`Retry-After`). */
  readonly retryAfterMs?: number;
  /** The HTTP status, when there was one. */
  readonly status?: number;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * What a model client throws to tell the router why a call failed (see {@link ModelCallFailure}).
 * Any other thrown value is an ordinary failure. The `zeta-router/openai` adapter throws these from
 * HTTP statuses; a client of your own can too.
 *
 * @example
 * if (response.status === 429) {
 *   throw new ModelCallError('overloaded', 'rate limited', { status: 429, retryAfterMs: 2000 });
 * }
 */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  /** Why the call failed. */
  readonly kind: ModelCallFailure;
  /** For `overloaded`: how long to leave the model alone, in milliseconds, when the server said. */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;

  constructor(kind: ModelCallFailure, message: string, options: ModelCallErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * Why a thrown value says a call failed: its {@link ModelCallFailure} for a `ModelCallError` (also
 * from another copy of the package), `undefined` for anything else. Never throws.
 */
export function modelCallFailure(
  value: unknown,
): { readonly kind: ModelCallFailure; readonly retryAfterMs: number | undefined } | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!(value instanceof ModelCallError) && (value as Record<symbol, unknown>)[brand] !== true)
      return undefined;
    const kind = (value as ModelCallError).kind;
    if (kind !== 'overloaded' && kind !== 'rejected-request' && kind !== 'unavailable')
      return undefined;
    const after = (value as ModelCallError).retryAfterMs;
    const retryAfterMs =
      typeof after === 'number' && Number.isFinite(after) && after >= 0 ? after : undefined;
    return { kind, retryAfterMs };
  } catch {
    return undefined;
  }
}

/** Whether `value` is a {@link ModelCallError}, also from another copy of the package. */
export function isModelCallError(value: unknown): value is ModelCallError {
  return modelCallFailure(value) !== undefined;
}
