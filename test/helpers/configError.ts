import { isZetaError, type ZetaError } from '../../src/errors/ZetaError.js';

/**
 * Runs `build`, which must throw a `ZetaError` with code `CONFIG_INVALID`, and returns it; fails
 * the test with what happened instead.
 */
export function configError(build: () => unknown): ZetaError {
  try {
    build();
  } catch (error) {
    if (isZetaError(error) && error.code === 'CONFIG_INVALID') return error;
    throw new Error(`expected a CONFIG_INVALID ZetaError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a CONFIG_INVALID ZetaError, but nothing was thrown');
}
