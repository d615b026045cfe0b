import { createHash } from 'node:crypto';

/**
 * The few Redis operations zeta-router uses: running its Lua scripts. Build one from your client
 * with {@link nodeRedisClient} (`redis` 6) or {@link ioredisClient} (`ioredis` 6), or implement it
 * over any other client (a cluster client included: every script touches keys of one hash slot).
 */
export interface RedisScriptClient {
  /** EVALSHA: runs a script the server has cached; rejects with a `NOSCRIPT` error when it has not. */
  evalsha(sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /** EVAL: runs (and caches) a script. */
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

/** The part of a node-redis 6 client (`createClient()` or `createCluster()`) used here. */
export interface NodeRedisLike {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an ioredis 6 client (`new Redis()` or `new Cluster()`) used here. */
export interface IoredisLike {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * A {@link RedisScriptClient} over a connected node-redis 6 client.
 * @example
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const capacity = new RedisCapacityCoordinator({ client: nodeRedisClient(redis) });
 */
export function nodeRedisClient(client: NodeRedisLike): RedisScriptClient {
  return {
    evalsha: (sha, keys, args) => client.evalSha(sha, { keys: [...keys], arguments: [...args] }),
    eval: (script, keys, args) => client.eval(script, { keys: [...keys], arguments: [...args] }),
  };
}

/**
 * A {@link RedisScriptClient} over an ioredis 6 client.
 * @example
 * import { Redis } from 'ioredis';
 * const capacity = new RedisCapacityCoordinator({ client: ioredisClient(new Redis(process.env.REDIS_URL)) });
 */
export function ioredisClient(client: IoredisLike): RedisScriptClient {
  return {
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  };
}

/** A Lua script with its SHA1, run by EVALSHA with a fall-back to EVAL when the server lacks it. */
export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: RedisScriptClient,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys, args);
    } catch (error) {
      if (!String((error as { message?: unknown } | null)?.message ?? error).includes('NOSCRIPT'))
        throw error;
      return client.eval(this.source, keys, args);
    }
  }
}
