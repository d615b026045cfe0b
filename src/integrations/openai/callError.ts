import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describeError } from '../../errors/describeError.js';
import { ModelCallError } from '../../errors/ModelCallError.js';

/** Headers as the `openai` client's errors carry them (a fetch `Headers`). */
interface HeaderReader {
  get(name: string): string | null;
}

/** HTTP statuses that say the server is full or rate-limiting: the router cools the model down. */
const OVERLOADED = new Set([429, 503]);
/** HTTP statuses that refuse the request itself: `REQUEST_REJECTED`, not retried elsewhere. */
// 404 is not here: a model name the server does not know is that server's misconfiguration, so
// the request fails over (and the model's health hears of it) rather than failing outright.
const REJECTED = new Set([400, 413, 422]);
const SECONDS = /^\d+(\.\d+)?$/;

/**
 * How long a server asked callers to wait, in milliseconds, from its response headers:
 * `retry-after-ms` (OpenAI's, milliseconds) first, then `Retry-After` in seconds or as an HTTP
 * date (a date in the past reads as 0). `undefined` when neither is there or readable.
 *
 * @param now the current time for an HTTP date, in milliseconds since the epoch
 * @example parseRetryAfter(new Headers({ 'retry-after': '2' })) // 2000
 */
export function parseRetryAfter(
  headers: HeaderReader | null | undefined,
  now: number = Date.now(),
): number | undefined {
  try {
    const ms = headers?.get('retry-after-ms')?.trim();
    if (ms !== undefined && ms !== '') {
      const value = Number(ms);
      if (Number.isFinite(value) && value >= 0) return value;
    }
    const after = headers?.get('retry-after')?.trim();
    if (after === undefined || after === '') return undefined;
    if (SECONDS.test(after)) return Number(after) * 1000;
    // An HTTP date names its day and month; anything else (such as '-3') is unreadable.
    const date = /[a-z]/i.test(after) ? Date.parse(after) : Number.NaN;
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  } catch {
    return undefined; // a headers object that throws says nothing usable
  }
}

/** The HTTP status and headers of an `openai` `APIError`, also from another copy of `openai`. */
function httpFailure(
  error: unknown,
): { status: number; headers: HeaderReader | undefined } | undefined {
  if (error instanceof APIError) {
    return typeof error.status === 'number'
      ? { status: error.status, headers: error.headers }
      : undefined;
  }
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, headers } = error as { status?: unknown; headers?: unknown };
  if (typeof status !== 'number') return undefined;
  const readable =
    typeof headers === 'object' &&
    headers !== null &&
    typeof (headers as HeaderReader).get === 'function';
  return { status, headers: readable ? (headers as HeaderReader) : undefined };
}

/** `error.cause`, or `undefined` when there is none or reading it throws. */
function readCause(error: unknown): unknown {
  try {
    return typeof error === 'object' && error !== null
      ? (error as { cause?: unknown }).cause
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Translates what the `openai` client threw into what the router reads
 * ({@link ModelCallError}):
 *
 * | what happened | becomes |
 * | --- | --- |
 * | the caller's `signal` aborted (abort or the request's `timeoutMs`) | the error as thrown |
 * | HTTP 429, 503 | `overloaded`, `retryAfterMs` from `retry-after-ms` / `Retry-After` |
 * | HTTP 400, 413, 422 | `rejected-request` |
 * | any other HTTP status (401, 403, 404, 500, 502, …) | `unavailable` |
 * | connection refused or reset, the client's own timeout, a malformed body | `unavailable` |
 *
 * `model` names the model in the message. Exported for clients of your own built on `openai`.
 *
 * @example
 * try {
 *   return await client.chat.completions.create(body, { signal: ctx.signal, maxRetries: 0 });
 * } catch (error) {
 *   throw toModelCallError(error, ctx.signal, ctx.model);
 * }
 */
export function toModelCallError(
  error: unknown,
  signal: AbortSignal | undefined,
  model: string,
): unknown {
  if (signal?.aborted === true) return error; // the router aborted it and knows why
  const http = httpFailure(error);
  if (http !== undefined) {
    const { status } = http;
    const detail = `${model} answered HTTP ${status}: ${describeError(error, 200)}`;
    if (OVERLOADED.has(status)) {
      const retryAfterMs = parseRetryAfter(http.headers);
      return new ModelCallError('overloaded', detail, {
        status,
        cause: error,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const kind = REJECTED.has(status) ? 'rejected-request' : 'unavailable';
    return new ModelCallError(kind, detail, { status, cause: error });
  }
  const why =
    error instanceof APIConnectionTimeoutError
      ? 'timed out'
      : error instanceof APIConnectionError
        ? 'could not be reached'
        : error instanceof SyntaxError
          ? 'answered with a body that is not valid JSON'
          : 'failed';
  const cause = readCause(error);
  const because = cause === undefined ? '' : ` (${describeError(cause, 120)})`;
  return new ModelCallError(
    'unavailable',
    `${model} ${why}: ${describeError(error, 200)}${because}`,
    {
      cause: error,
    },
  );
}
