import { describeError } from '../../errors/describeError.js';
import type { Clock } from '../../types.js';
import type { RedisScriptClient, Script } from './client.js';

/** The system clock, for timers (Redis's own `TIME` decides what expires). */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Runs a script, rejecting when Redis does not answer within `timeoutMs` (a slow Redis counts as
 * down) or answers with something that is not an array.
 */
export function runScript(
  script: Script,
  client: RedisScriptClient,
  clock: Clock,
  timeoutMs: number,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = clock.setTimeout(() => {
      if (done) return;
      done = true;
      reject(new Error(`Redis did not answer within ${timeoutMs}ms`));
    }, timeoutMs);
    const finish = (ok: boolean, value: unknown): void => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      if (ok && Array.isArray(value)) resolve(value);
      else reject(ok ? new Error(`unexpected Redis reply ${describeError(value, 80)}`) : value);
    };
    script.run(client, keys, args).then(
      (value) => finish(true, value),
      (error: unknown) => finish(false, error),
    );
  });
}
