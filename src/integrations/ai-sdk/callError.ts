import type { APICallError } from '@ai-sdk/provider';
import { describeError } from '../../errors/describeError.js';
import { ModelCallError } from '../../errors/ModelCallError.js';
import { isZetaError } from '../../errors/ZetaError.js';

// The AI SDK recognises its errors by global symbols (`APICallError.isInstance`), so an error
// carrying them is an `APICallError` to every copy of `ai` without this subpath importing
// `@ai-sdk/provider` at run time (it stays a types-only optional peer).
const AI_SDK_ERROR = Symbol.for('vercel.ai.error');
const API_CALL_ERROR = Symbol.for('vercel.ai.error.AI_APICallError');

/** HTTP statuses that say the server is full or rate-limiting: the router cools the model down. */
const OVERLOADED = new Set([429, 503]);
/** HTTP statuses that refuse the request itself: `REQUEST_REJECTED`, not retried elsewhere. */
const REJECTED = new Set([400, 413, 422]);

/** The AI SDK's `APICallError` shape, as this subpath builds it. */
class ShedAPICallError extends Error {
  override readonly name = 'AI_APICallError';
  readonly url: string;
  readonly requestBodyValues: unknown = undefined;
  readonly statusCode: number;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody: string | undefined = undefined;
  readonly isRetryable = true;
  readonly data: unknown;

  constructor(
    message: string,
    options: {
      cause: unknown;
      url: string;
      statusCode: number;
      headers: Record<string, string>;
      data: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.url = options.url;
    this.statusCode = options.statusCode;
    this.responseHeaders = options.headers;
    this.data = options.data;
    Object.defineProperty(this, AI_SDK_ERROR, { value: true });
    Object.defineProperty(this, API_CALL_ERROR, { value: true });
  }
}

/**
 * What the router model throws to the AI SDK for what `router.runWithInfo` rejected with: a
 * `ZetaError` `CAPACITY_EXCEEDED` (the router shed the call: every capable model busy, every
 * queue full) becomes an `APICallError` with `isRetryable: true`, status 503 and the wait in
 * `responseHeaders` (`retry-after-ms`, and `retry-after` in whole seconds), so `generateText`'s
 * own retries wait that long; the `ZetaError` is its `cause`. The wait is the error's
 * `limits.retryAfterMs` when the router set one (every model said it is overloaded), else
 * `retryAfterMs`. Anything else is returned as is.
 *
 * `APICallError.isInstance(error)` holds for the result (it carries the AI SDK's error markers).
 *
 * @param retryAfterMs how long callers should wait, in milliseconds, when the error does not say
 */
export function toAiSdkError(error: unknown, retryAfterMs: number): unknown {
  if (!isZetaError(error) || error.code !== 'CAPACITY_EXCEEDED') return error;
  // When every model said it is overloaded, the router knows when the first cools down.
  const known = error.limits['retryAfterMs'];
  const wait =
    typeof known === 'number' && Number.isFinite(known) && known >= 0 ? known : retryAfterMs;
  const headers = {
    'retry-after-ms': String(wait),
    'retry-after': String(Math.ceil(wait / 1000)),
  };
  return new ShedAPICallError(`zeta-router shed the call: ${error.message}`, {
    cause: error,
    url: 'zeta-router:',
    statusCode: 503,
    headers,
    data: { code: error.code, limits: error.limits },
  }) as unknown as APICallError;
}

/** Whether `error` is an AI SDK `APICallError` (by its marker, so any copy of the SDK counts). */
function isAPICallError(error: unknown): error is APICallError {
  try {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[API_CALL_ERROR] === true
    );
  } catch {
    return false;
  }
}

/** A header of an `APICallError`'s `responseHeaders`, whatever its case. */
function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** How long the server asked callers to wait, in milliseconds: `retry-after-ms`, then `retry-after` seconds or date. */
function retryAfterOf(
  headers: Record<string, string> | undefined,
  now: number,
): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms')?.trim() || Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = header(headers, 'retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  const date = /[a-z]/i.test(after) ? Date.parse(after) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Translates what an AI SDK model threw into what the router reads ({@link ModelCallError}):
 *
 * | what happened | becomes |
 * | --- | --- |
 * | the router's `signal` aborted | the error as thrown |
 * | `APICallError` with HTTP 429, 503 | `overloaded`, `retryAfterMs` from `retry-after-ms` / `retry-after` |
 * | `APICallError` with HTTP 400, 413, 422 | `rejected-request` |
 * | any other `APICallError` | `unavailable` |
 * | anything else | the error as thrown (an ordinary failure of the model) |
 *
 * @param model names the model in the message
 */
export function fromAiSdkError(
  error: unknown,
  signal: AbortSignal | undefined,
  model: string,
): unknown {
  if (signal?.aborted === true || !isAPICallError(error)) return error;
  const status = error.statusCode;
  const detail = `${model} failed${status === undefined ? '' : ` with HTTP ${status}`}: ${describeError(error, 200)}`;
  if (status !== undefined && OVERLOADED.has(status)) {
    const retryAfterMs = retryAfterOf(error.responseHeaders, Date.now());
    return new ModelCallError('overloaded', detail, {
      status,
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const kind = status !== undefined && REJECTED.has(status) ? 'rejected-request' : 'unavailable';
  return new ModelCallError(kind, detail, {
    cause: error,
    ...(status === undefined ? {} : { status }),
  });
}
