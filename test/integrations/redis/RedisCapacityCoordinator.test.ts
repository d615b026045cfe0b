import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ioredisClient,
  nodeRedisClient,
  RedisCapacityCoordinator,
  type RedisHealthEvent,
  type RedisScriptClient,
} from '../../../src/integrations/redis/index.js';
import { configError } from '../../helpers/configError.js';
import { poll } from '../../helpers/prometheus.js';
import { redisAvailable, sharedRedis, startRedis } from '../../helpers/redis.js';

const run = redisAvailable('Redis coordinator tests');
const limits = { concurrency: 2, maxTokens: 100 };
const req = (tokens = 10) => ({ model: 'm', tokens, limits });

/** A client that can be switched off: every call fails (a Redis outage as this instance sees it). */
function switchable(inner: RedisScriptClient): RedisScriptClient & { off: boolean } {
  const c = {
    off: false,
    evalsha: (sha: string, keys: readonly string[], args: readonly string[]) =>
      c.off ? Promise.reject(new Error('connection refused')) : inner.evalsha(sha, keys, args),
    eval: (script: string, keys: readonly string[], args: readonly string[]) =>
      c.off ? Promise.reject(new Error('connection refused')) : inner.eval(script, keys, args),
  };
  return c;
}

describe.runIf(run)('RedisCapacityCoordinator against a real redis-server', () => {
  let server: Awaited<ReturnType<typeof sharedRedis>>;
  let node: ReturnType<typeof createClient>;
  let io: Redis;
  let n = 0;
  const prefix = () => `t${process.pid}-${++n}`;
  const open: RedisCapacityCoordinator[] = [];
  const make = (client: RedisScriptClient, options: Record<string, unknown> = {}) => {
    const c = new RedisCapacityCoordinator({ client, refreshMs: 20, ...options });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await sharedRedis();
    node = createClient({ url: server.url });
    await node.connect();
    io = new Redis(server.url, { lazyConnect: false });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await node?.quit();
    io?.disconnect();
    await server?.stop();
  });

  it.each([
    ['node-redis', () => nodeRedisClient(node)],
    ['ioredis', () => ioredisClient(io)],
  ])(
    'two instances over %s hold a model to its limits together; a lease given back is room for the other',
    async (_, client) => {
      const p = prefix();
      const a = make(client(), { prefix: p });
      const b = make(client(), { prefix: p });
      const l1 = await a.acquire(req(60));
      expect(l1).toMatchObject({ model: 'm', tokens: 60 });
      expect(await b.acquire(req(50))).toBeUndefined(); // 110 tokens > 100
      expect(b.isFull('m')).toBe(true);
      const l2 = await b.acquire(req(40));
      expect(l2).toBeDefined();
      expect(await a.acquire(req(0))).toBeUndefined(); // 2 calls
      const heard: string[] = [];
      b.watch((m) => heard.push(m));
      a.release(l1!);
      await poll('b sees the room', async () => (b.isFull('m') ? undefined : true), 2000, 10);
      expect(heard).toContain('m');
      expect(await b.acquire(req(10))).toBeDefined();
      expect(b.usage('m')).toMatchObject({ calls: 2, tokens: 50, localCalls: 2 });
    },
  );

  it('leases of an instance that stops renewing expire within the TTL (Redis time)', async () => {
    const p = prefix();
    const dying = switchable(nodeRedisClient(node));
    const a = make(dying, { prefix: p, leaseTtlMs: 300 });
    const b = make(nodeRedisClient(node), { prefix: p, leaseTtlMs: 300 });
    await a.acquire(req());
    await a.acquire(req());
    expect(await b.acquire(req())).toBeUndefined();
    dying.off = true; // a can no longer renew: as if it crashed
    const t0 = Date.now();
    await poll(
      'the leases expire',
      async () => ((await b.acquire(req())) ? true : undefined),
      3000,
      20,
    );
    const reclaimMs = Date.now() - t0;
    expect(reclaimMs).toBeLessThan(300 + 200);
  });

  it('Redis down: a health event, a local share of each limit; back: the live leases rejoin once each, the ones given back meanwhile are dropped', async () => {
    const p = prefix();
    const flaky = switchable(nodeRedisClient(node));
    const a = make(flaky, { prefix: p, limits: { m: { concurrency: 4, maxTokens: Infinity } } });
    const other = make(nodeRedisClient(node), { prefix: p });
    await poll('two instances seen', async () => (a.instances === 2 ? true : undefined), 2000, 10);
    const events: RedisHealthEvent[] = [];
    a.on('health', (e) => events.push(e));
    const before = [await a.acquire(req()), await a.acquire(req())];
    expect(before.every((l) => l !== undefined)).toBe(true);
    flaky.off = true;
    // Down: answered locally (synchronously), up to 4 / 2 instances = 2 calls, the 2 held included.
    expect(await a.acquire(req())).toBeUndefined();
    expect(a.state).toBe('down');
    expect(events[0]).toMatchObject({ state: 'down', instances: 2 });
    a.release(before[0]!);
    const during = a.acquire(req());
    expect(during).toMatchObject({ model: 'm' });
    flaky.off = false;
    await poll('rejoined', async () => (a.state === 'up' ? true : undefined), 3000, 10);
    expect(events.map((e) => e.state)).toEqual(['down', 'up']);
    // Redis holds exactly the two live leases (the pre-outage one once, the local one added, the
    // one given back dropped): the other instance can take the remaining two, not more.
    expect(
      await other.acquire({
        model: 'm',
        tokens: 0,
        limits: { concurrency: 4, maxTokens: Infinity },
      }),
    ).toBeDefined();
    expect(a.usage('m')).toMatchObject({ localCalls: 2 });
    await poll('usage 3', async () => (a.usage('m').calls === 3 ? true : undefined), 2000, 10);
  });

  it('a Redis restart (all keys lost) re-asserts the live leases', async () => {
    const p = prefix();
    const own = await startRedis();
    const client = createClient({ url: own.url, socket: { reconnectStrategy: 50 } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const a = make(nodeRedisClient(client), { prefix: p, commandTimeoutMs: 200 });
      await a.acquire(req());
      await own.stop();
      await poll('down', async () => (a.state === 'down' ? true : undefined), 3000, 10);
      await own.start();
      await poll('up again', async () => (a.state === 'up' ? true : undefined), 5000, 20);
      await poll(
        'lease re-asserted',
        async () => (a.usage('m').calls === 1 ? true : undefined),
        2000,
        10,
      );
      await a.close();
    } finally {
      await client.quit().catch(() => undefined);
      await own.stop();
    }
  });

  it('rejects bad options with CONFIG_INVALID naming each problem', () => {
    const e = configError(
      () =>
        new RedisCapacityCoordinator({
          client: {} as never,
          prefix: '{x}',
          leaseTtlMs: 5,
          fallbackShare: 2,
          limits: { m: { concurrency: 1.5, maxTokens: 1 } },
          nope: 1,
        } as never),
    );
    expect(e.problems).toEqual([
      expect.stringContaining('unknown option `nope`'),
      expect.stringContaining('`client` must be a RedisScriptClient'),
      expect.stringContaining('`limits["m"].concurrency` must be an integer >= 1, got 1.5'),
      expect.stringContaining('`leaseTtlMs` must be a number from 100 to 3600000, got 5'),
      expect.stringContaining('`fallbackShare` must be a number from 0 to 1, got 2'),
      expect.stringContaining('`prefix` must be a string of 1 to 100 characters without braces'),
    ]);
  });
});
