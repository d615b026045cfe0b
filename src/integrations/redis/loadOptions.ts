import type { LoadTracker } from '../../load/LoadTracker.js';
import type { Clock } from '../../types.js';
import { describeValue, throwIfProblems } from '../../utils/options.js';
import type { RedisScriptClient } from './client.js';
import { commonProblems, startChecks } from './options.js';

/** Options of {@link RedisLoadTracker}. */
export interface RedisLoadTrackerOptions {
  /** The Redis connection: `nodeRedisClient(client)` or `ioredisClient(client)`. */
  readonly client: RedisScriptClient;
  /**
   * Prefix of every key (no braces). Routers sharing a load view use the same prefix.
   * @default 'zeta'
   */
  readonly prefix?: string;
  /**
   * This router's own tracker, which records everything and answers what the view does not merge.
   * @default a new `InMemoryLoadTracker`
   */
  readonly tracker?: LoadTracker;
  /**
   * The window of the latency sketches and outcome counts each instance publishes, in ms.
   * @default 60000
   */
  readonly windowMs?: number;
  /**
   * How often this instance publishes its window and reads the others', in ms. An instance that
   * stops publishing leaves the view after three times this.
   * @default 1000
   */
  readonly publishMs?: number;
  /**
   * Time allowed for one Redis call, in ms; a slower answer counts as Redis down.
   * @default 500
   */
  readonly commandTimeoutMs?: number;
  /** The time source for timers. @default the system clock */
  readonly clock?: Clock;
  /** This instance's id in Redis. @default a random id */
  readonly instanceId?: string;
}

const known = [
  'client',
  'prefix',
  'tracker',
  'windowMs',
  'publishMs',
  'commandTimeoutMs',
  'clock',
  'instanceId',
] satisfies (keyof RedisLoadTrackerOptions)[];

/** Checks the options; throws `CONFIG_INVALID` listing every problem. */
export function checkLoadOptions(options: unknown): RedisLoadTrackerOptions {
  const { o, p } = startChecks('RedisLoadTracker options', options, known);
  const tracker = o['tracker'] as Record<string, unknown> | undefined;
  if (
    tracker !== undefined &&
    ['recordStart', 'recordFinish', 'latency', 'modelStats'].some(
      (k) => typeof tracker?.[k] !== 'function',
    )
  )
    p.push(`\`tracker\` must implement LoadTracker, got ${describeValue(tracker)}`);
  for (const [key, min, max] of [
    ['windowMs', 1000, 86_400_000],
    ['publishMs', 1, 600_000],
  ] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v >= min && v <= max))
      p.push(`\`${key}\` must be a number from ${min} to ${max}, got ${describeValue(v)}`);
  }
  p.push(...commonProblems(o));
  throwIfProblems('RedisLoadTracker options', p);
  return o as unknown as RedisLoadTrackerOptions;
}
