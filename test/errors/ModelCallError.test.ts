import { describe, expect, it } from 'vitest';
import {
  isModelCallError,
  ModelCallError,
  modelCallFailure,
} from '../../src/errors/ModelCallError.js';

describe('ModelCallError', () => {
  it('carries its kind, status, retry-after and cause, and is recognised', () => {
    const cause = new Error('socket');
    const e = new ModelCallError('overloaded', 'busy', { status: 503, retryAfterMs: 250, cause });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      name: 'ModelCallError',
      kind: 'overloaded',
      status: 503,
      retryAfterMs: 250,
    });
    expect(e.cause).toBe(cause);
    expect(isModelCallError(e)).toBe(true);
    expect(modelCallFailure(e)).toEqual({ kind: 'overloaded', retryAfterMs: 250 });
  });

  it('reads anything else, hostile values included, as no ModelCallError, without throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of [
      undefined,
      null,
      5,
      'overloaded',
      new Error('x'),
      Object.create(null),
      proxy,
    ]) {
      expect(isModelCallError(value)).toBe(false);
      expect(modelCallFailure(value)).toBeUndefined();
    }
  });
});
