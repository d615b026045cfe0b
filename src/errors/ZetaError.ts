/**
 * The stable codes of {@link ZetaError}. Match on `code`, never on the message.
 *
 * - `CONFIG_INVALID`: bad router options or model config (at construction or `addModel`), or bad per-call options such as a `task` with complexity out of range; the message lists every problem.
 * - `NO_CAPABLE_MODEL`: no model lists the task type, allows its complexity and fits its tokens, or all such models are `open` and cooling off.
 * - `CAPACITY_EXCEEDED`: every model the strategy ranked is busy and the waiting bounds (`maxQueue`, `maxWaiting`) are reached; capable models the strategy left out do not count.
 * - `TIMEOUT`: the call's `timeoutMs` passed before it settled (waiting or running).
 * - `ABORTED`: the caller's `signal` aborted.
 * - `MODEL_FAILED`: every attempt's model call threw, or a retry found no other model with room; `attempts` and `cause` say which and why.
 * - `REQUEST_REJECTED`: a model refused the request itself (its client threw a `ModelCallError` of kind `rejected-request`, e.g. HTTP 400 or 413); not retried elsewhere, and the model's health is not hurt.
 * - `CLASSIFIER_FAILED`: the classifier threw, rejected or returned something that is not a task profile.
 * - `STRATEGY_FAILED`: the strategy's `rank()` threw or ranked none of the candidates.
 * - `CLOSED`: `run()` was called after `close()`.
 * - `STATE_INVALID`: `importState()` was given state it cannot load (not JSON, another format or version, a wrong shape, a number that is not finite and >= 0, a sum no calls could have made (such as a mean latency above 1e9 ms), a model id the fleet does not have under `unknownModels: 'error'`); the message and `problems` list what was wrong, and nothing was applied.
 */
export type ZetaErrorCode =
  | 'CONFIG_INVALID'
  | 'NO_CAPABLE_MODEL'
  | 'CAPACITY_EXCEEDED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'MODEL_FAILED'
  | 'REQUEST_REJECTED'
  | 'CLASSIFIER_FAILED'
  | 'STRATEGY_FAILED'
  | 'CLOSED'
  | 'STATE_INVALID';

/** One failed model call, as recorded on a `MODEL_FAILED` error. */
export interface FailedAttempt {
  /** The model that was called. */
  readonly model: string;
  /** What the call threw. */
  readonly error: unknown;
  /** How long the call ran, in milliseconds. */
  readonly latencyMs: number;
}

/** Extra context on a {@link ZetaError}; which fields are set depends on the code. */
export interface ZetaErrorDetails {
  /** The request id given by the router (absent for construction errors). */
  readonly requestId?: number;
  /** The task type of the request, when known. */
  readonly task?: string;
  /** For `CONFIG_INVALID` and `STATE_INVALID`: every problem found, one sentence each. */
  readonly problems?: readonly string[];
  /** For `MODEL_FAILED`: each failed call in order. */
  readonly attempts?: readonly FailedAttempt[];
  /** The limits that were hit (for `CAPACITY_EXCEEDED` and `TIMEOUT`). */
  readonly limits?: Readonly<Record<string, number>>;
}

const brand = Symbol.for('zeta-router.ZetaError');

/**
 * Every error the router rejects with or throws. Carries a stable {@link ZetaErrorCode} and, where
 * relevant, the attempts, limits or config problems behind it. `cause` holds the underlying error
 * (the last model error for `MODEL_FAILED`).
 *
 * @example
 * try {
 *   await router.run(req);
 * } catch (error) {
 *   if (isZetaError(error) && error.code === 'CAPACITY_EXCEEDED') return retryLater();
 *   throw error;
 * }
 */
export class ZetaError extends Error {
  override readonly name = 'ZetaError';
  /** The stable error code. */
  readonly code: ZetaErrorCode;
  /** The request id given by the router, when the error concerns a request. */
  readonly requestId: number | undefined;
  /** The task type of the request, when known. */
  readonly task: string | undefined;
  /** For `CONFIG_INVALID` and `STATE_INVALID`: every problem found. Empty otherwise. */
  readonly problems: readonly string[];
  /** For `MODEL_FAILED`: every failed call, in order. Empty otherwise. */
  readonly attempts: readonly FailedAttempt[];
  /** The limits that were hit, e.g. `{ maxWaiting: 100 }`. Empty otherwise. */
  readonly limits: Readonly<Record<string, number>>;

  constructor(
    code: ZetaErrorCode,
    message: string,
    details: ZetaErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.requestId = details.requestId;
    this.task = details.task;
    this.problems = details.problems ?? [];
    this.attempts = details.attempts ?? [];
    this.limits = details.limits ?? {};
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * Whether `value` is a {@link ZetaError}, also when it comes from another copy of the package
 * (checks a global brand, not only `instanceof`).
 */
export function isZetaError(value: unknown): value is ZetaError {
  return (
    value instanceof ZetaError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[brand] === true)
  );
}
