import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { isModelCallError, type ModelCallError } from '../../../src/errors/ModelCallError.js';
import { ZetaError } from '../../../src/errors/ZetaError.js';
import { fromAiSdkError, toAiSdkError } from '../../../src/integrations/ai-sdk/index.js';

const apiError = (statusCode: number | undefined, responseHeaders?: Record<string, string>) =>
  new APICallError({
    message: 'boom',
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(responseHeaders === undefined ? {} : { responseHeaders }),
  });

describe('toAiSdkError', () => {
  it('turns CAPACITY_EXCEEDED into a retryable APICallError with retry-after headers', () => {
    const shed = new ZetaError('CAPACITY_EXCEEDED', 'full', { limits: { maxWaiting: 0 } });
    const error = toAiSdkError(shed, 1500) as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AI_APICallError');
    expect(error).toMatchObject({ isRetryable: true, statusCode: 503, cause: shed });
    expect(error.responseHeaders).toEqual({ 'retry-after-ms': '1500', 'retry-after': '2' });
  });

  it("prefers the router's own limits.retryAfterMs (every model overloaded)", () => {
    const shed = new ZetaError('CAPACITY_EXCEEDED', 'all overloaded', {
      limits: { retryAfterMs: 4200 },
    });
    const error = toAiSdkError(shed, 1000) as APICallError;
    expect(error.responseHeaders).toEqual({ 'retry-after-ms': '4200', 'retry-after': '5' });
  });

  it('returns every other error as it is', () => {
    const failed = new ZetaError('MODEL_FAILED', 'x');
    expect(toAiSdkError(failed, 1000)).toBe(failed);
    const plain = new Error('y');
    expect(toAiSdkError(plain, 1000)).toBe(plain);
  });
});

describe('fromAiSdkError', () => {
  it('maps 429 and 503 to overloaded with the retry-after', () => {
    const e = fromAiSdkError(
      apiError(429, { 'Retry-After': '3' }),
      undefined,
      'm',
    ) as ModelCallError;
    expect(isModelCallError(e)).toBe(true);
    expect(e).toMatchObject({ kind: 'overloaded', status: 429, retryAfterMs: 3000 });
    const ms = fromAiSdkError(apiError(503, { 'retry-after-ms': '250' }), undefined, 'm');
    expect(ms).toMatchObject({ kind: 'overloaded', retryAfterMs: 250 });
    const none = fromAiSdkError(apiError(503), undefined, 'm') as ModelCallError;
    expect(none.retryAfterMs).toBeUndefined();
  });

  it('maps 400, 413 and 422 to rejected-request and other statuses to unavailable', () => {
    for (const status of [400, 413, 422])
      expect(fromAiSdkError(apiError(status), undefined, 'm')).toMatchObject({
        kind: 'rejected-request',
      });
    for (const status of [401, 404, 500, undefined])
      expect(fromAiSdkError(apiError(status), undefined, 'm')).toMatchObject({
        kind: 'unavailable',
      });
  });

  it('leaves errors after an abort, and errors that are not APICallError, as they are', () => {
    const controller = new AbortController();
    controller.abort();
    const e = apiError(429);
    expect(fromAiSdkError(e, controller.signal, 'm')).toBe(e);
    const plain = new Error('x');
    expect(fromAiSdkError(plain, undefined, 'm')).toBe(plain);
  });
});
