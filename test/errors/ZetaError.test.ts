import { describe, expect, it } from 'vitest';
import { isZetaError, ZetaError } from '../../src/errors/ZetaError.js';

describe('ZetaError', () => {
  it('carries a stable code, details and cause', () => {
    const cause = new Error('boom');
    const error = new ZetaError(
      'MODEL_FAILED',
      'all attempts failed',
      { requestId: 7, task: 'code', attempts: [{ model: 'a', error: cause, latencyMs: 3 }] },
      { cause },
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ZetaError');
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.requestId).toBe(7);
    expect(error.attempts).toHaveLength(1);
    expect(error.cause).toBe(cause);
    expect(error.problems).toEqual([]);
  });

  it('is recognised across package copies by its brand, and not for look-alikes', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('zeta-router.ZetaError')]: true });
    expect(isZetaError(foreign)).toBe(true);
    expect(isZetaError(new ZetaError('CLOSED', 'closed'))).toBe(true);
    expect(isZetaError(Object.assign(new Error('x'), { code: 'CLOSED' }))).toBe(false);
    expect(isZetaError(null)).toBe(false);
  });
});
