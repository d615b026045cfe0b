import type { CapacityLimits } from '../../capacity/CapacityCoordinator.js';
import { limitsProblems } from '../../capacity/InMemoryCapacityCoordinator.js';
import type { Clock } from '../../types.js';
import {
  configInvalid,
  describeValue,
  throwIfProblems,
  unknownKeyProblems,
} from '../../utils/options.js';
import type { RedisScriptClient } from './client.js';

/** Options of {@link RedisCapacityCoordinator}. */
export interface RedisCapacityCoordinatorOptions {
  /** The Redis connection: `nodeRedisClient(client)` or `ioredisClient(client)`. */
  readonly client: RedisScriptClient;
  /**
   * Prefix of every key (no braces). Routers sharing capacity use the same prefix.
   * @default 'zeta'
   */
  readonly prefix?: string;
  /**
   * The real capacity of each shared model, per model id, over the routers' model configs (a model
   * not listed is held to its config's `concurrency` and `maxTokens`).
   * @default {}
   */
  readonly limits?: Readonly<Record<string, CapacityLimits>>;
  /**
   * How long a lease lives unless renewed, in ms: the capacity of an instance that died returns
   * within it. Live leases are renewed every third of it.
   * @default 10000
   */
  readonly leaseTtlMs?: number;
  /**
   * How often the cached view of every model's usage (and the instance count) is refreshed, in ms.
   * @default 200
   */
  readonly refreshMs?: number;
  /**
   * Time allowed for one Redis call, in ms; a slower answer counts as Redis down.
   * @default 500
   */
  readonly commandTimeoutMs?: number;
  /**
   * While Redis is down: the share of each limit this instance may use on its own, from 0 to 1
   * (calls rounded down), less what the other instances held beyond their shares when Redis went
   * down (they only drain), so the instances together stay within each limit. Default: 1 / the
   * most instances seen within the last lease TTL; before Redis first answered (the others
   * unknown), no share at all unless this option is set.
   * @default 1 / instances last seen
   */
  readonly fallbackShare?: number;
  /**
   * After an outage, how long this instance keeps to its local share while every instance
   * re-asserts its leases (a restarted Redis has lost them), in ms.
   * @default 1000
   */
  readonly rejoinDelayMs?: number;
  /**
   * The time source for timers (Redis's own `TIME` decides lease expiry).
   * @default the system clock
   */
  readonly clock?: Clock;
  /**
   * This instance's id in Redis.
   * @default a random id
   */
  readonly instanceId?: string;
}

export const coordinatorDefaults = {
  prefix: 'zeta',
  leaseTtlMs: 10_000,
  refreshMs: 200,
  commandTimeoutMs: 500,
  rejoinDelayMs: 1000,
} as const;

const known = [
  'client',
  'prefix',
  'limits',
  'leaseTtlMs',
  'refreshMs',
  'commandTimeoutMs',
  'fallbackShare',
  'rejoinDelayMs',
  'clock',
  'instanceId',
] satisfies (keyof RedisCapacityCoordinatorOptions)[];

const between = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && v >= min && v <= max;

/**
 * The options as a record and the first problems (unknown keys, the `client`); throws at once when
 * `options` is not an object. Shared by the Redis integrations.
 */
export function startChecks(
  subject: string,
  options: unknown,
  known: readonly string[],
): { o: Record<string, unknown>; p: string[] } {
  if (typeof options !== 'object' || options === null)
    throw configInvalid(subject, [
      `options must be an object with a \`client\`, got ${describeValue(options)}`,
    ]);
  const o = options as Record<string, unknown>;
  return { o, p: [...unknownKeyProblems(o, known), ...clientProblems(o)] };
}

function clientProblems(o: Record<string, unknown>): string[] {
  const client = o['client'] as Record<string, unknown> | undefined;
  if (typeof client?.['evalsha'] === 'function' && typeof client?.['eval'] === 'function')
    return [];
  return [
    `\`client\` must be a RedisScriptClient (wrap yours: nodeRedisClient(client) or ioredisClient(client)), got ${describeValue(client)}`,
  ];
}

/** Problems with `prefix`, `commandTimeoutMs`, `clock` and `instanceId` (shared). */
export function commonProblems(o: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (
    o['prefix'] !== undefined &&
    !(typeof o['prefix'] === 'string' && /^[^{}]{1,100}$/.test(o['prefix']))
  )
    p.push(
      `\`prefix\` must be a string of 1 to 100 characters without braces, got ${describeValue(o['prefix'])}`,
    );
  if (o['commandTimeoutMs'] !== undefined && !between(o['commandTimeoutMs'], 1, 60_000))
    p.push(
      `\`commandTimeoutMs\` must be a number from 1 to 60000, got ${describeValue(o['commandTimeoutMs'])}`,
    );
  const clock = o['clock'] as Record<string, unknown> | undefined;
  if (
    clock !== undefined &&
    ['now', 'setTimeout', 'clearTimeout'].some((k) => typeof clock?.[k] !== 'function')
  )
    p.push(
      `\`clock\` must have now(), setTimeout() and clearTimeout(), got ${describeValue(clock)}`,
    );
  if (
    o['instanceId'] !== undefined &&
    !(typeof o['instanceId'] === 'string' && o['instanceId'].length > 0)
  )
    p.push(`\`instanceId\` must be a non-empty string, got ${describeValue(o['instanceId'])}`);
  return p;
}

/** Checks the options; throws `CONFIG_INVALID` listing every problem. */
export function checkCoordinatorOptions(options: unknown): RedisCapacityCoordinatorOptions {
  const subject = 'RedisCapacityCoordinator options';
  const { o, p } = startChecks(subject, options, known);
  p.push(...limitsProblems(o['limits']));
  if (o['leaseTtlMs'] !== undefined && !between(o['leaseTtlMs'], 100, 3_600_000))
    p.push(
      `\`leaseTtlMs\` must be a number from 100 to 3600000, got ${describeValue(o['leaseTtlMs'])}`,
    );
  if (o['refreshMs'] !== undefined && !between(o['refreshMs'], 1, 60_000))
    p.push(`\`refreshMs\` must be a number from 1 to 60000, got ${describeValue(o['refreshMs'])}`);
  if (o['fallbackShare'] !== undefined && !between(o['fallbackShare'], 0, 1))
    p.push(
      `\`fallbackShare\` must be a number from 0 to 1, got ${describeValue(o['fallbackShare'])}`,
    );
  if (o['rejoinDelayMs'] !== undefined && !between(o['rejoinDelayMs'], 0, 600_000))
    p.push(
      `\`rejoinDelayMs\` must be a number from 0 to 600000, got ${describeValue(o['rejoinDelayMs'])}`,
    );
  p.push(...commonProblems(o));
  throwIfProblems(subject, p);
  return o as unknown as RedisCapacityCoordinatorOptions;
}
