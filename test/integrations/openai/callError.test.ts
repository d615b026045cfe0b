// How the adapter reads what the openai client threw (pure: the openai package's own error classes).
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { isModelCallError, type ModelCallError } from '../../../src/errors/ModelCallError.js';
import { parseRetryAfter, toModelCallError } from '../../../src/integrations/openai/index.js';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  APIError.generate(status, { error: { message: 'nope' } }, undefined, new Headers(headers));

const mapped = (error: unknown, signal?: AbortSignal) =>
  toModelCallError(error, signal, 'm1') as ModelCallError;

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after-ms': '1500' }, 1500],
    [{ 'retry-after-ms': '1500', 'retry-after': '9' }, 1500],
    [{ 'retry-after-ms': 'soon', 'retry-after': '2' }, 2000],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }, 3000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
    [{ 'retry-after': 'later' }, undefined],
    [{ 'retry-after': '-3' }, undefined],
    [{}, undefined],
  ])('%j -> %s ms', (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });

  it('is undefined without headers or when reading them throws', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(
      parseRetryAfter({
        get() {
          throw new Error('boom');
        },
      }),
    ).toBeUndefined();
  });
});

describe('toModelCallError', () => {
  it.each([429, 503])('%i -> overloaded, with the retry-after', (status) => {
    const error = mapped(httpError(status, { 'retry-after': '3' }));
    expect(error).toMatchObject({ kind: 'overloaded', status, retryAfterMs: 3000 });
    expect(error.message).toBe(`m1 answered HTTP ${status}: Error: ${status} nope`);
    expect(mapped(httpError(status)).retryAfterMs).toBeUndefined();
  });

  it.each([400, 413, 422])('%i -> rejected-request', (status) => {
    expect(mapped(httpError(status))).toMatchObject({ kind: 'rejected-request', status });
  });

  it.each([401, 403, 404, 408, 409, 500, 502, 504])('%i -> unavailable', (status) => {
    expect(mapped(httpError(status))).toMatchObject({ kind: 'unavailable', status });
  });

  it('connection failures, the client timeout, malformed JSON and anything else -> unavailable', () => {
    const refused = mapped(
      new APIConnectionError({ cause: Object.assign(new Error('connect ECONNREFUSED'), {}) }),
    );
    expect(refused).toMatchObject({ kind: 'unavailable', status: undefined });
    expect(refused.message).toMatch(/^m1 could not be reached: .*\(Error: connect ECONNREFUSED\)/);
    expect(mapped(new APIConnectionTimeoutError()).message).toMatch(/^m1 timed out/);
    expect(mapped(new SyntaxError('Unexpected end of JSON input')).message).toMatch(
      /^m1 answered with a body that is not valid JSON/,
    );
    expect(mapped('a string').kind).toBe('unavailable');
    expect(mapped(null).kind).toBe('unavailable');
    // An abort the caller did not make is the server's or the network's problem.
    expect(mapped(new APIUserAbortError()).kind).toBe('unavailable');
  });

  it('an abort by the caller is re-thrown as is', () => {
    const controller = new AbortController();
    controller.abort();
    const abort = new APIUserAbortError();
    expect(toModelCallError(abort, controller.signal, 'm1')).toBe(abort);
    const other = httpError(503);
    expect(toModelCallError(other, controller.signal, 'm1')).toBe(other);
  });

  it('reads an HTTP error from another copy of openai by its status and headers', () => {
    const foreign = Object.assign(new Error('429 slow down'), {
      status: 429,
      headers: new Headers({ 'retry-after-ms': '40' }),
    });
    expect(mapped(foreign)).toMatchObject({ kind: 'overloaded', retryAfterMs: 40 });
    expect(mapped({ status: 413 })).toMatchObject({ kind: 'rejected-request' });
    expect(isModelCallError(mapped(foreign))).toBe(true);
    expect(mapped(foreign).cause).toBe(foreign);
  });
});
