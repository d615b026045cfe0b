import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nodeRedisClient,
  type RedisHealthEvent,
  RedisLoadTracker,
  type RedisScriptClient,
} from '../../../src/integrations/redis/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { configError } from '../../helpers/configError.js';
import { poll } from '../../helpers/prometheus.js';
import { redisAvailable, sharedRedis } from '../../helpers/redis.js';

const run = redisAvailable('Redis load view tests');

describe.runIf(run)('RedisLoadTracker against a real redis-server', () => {
  let server: Awaited<ReturnType<typeof sharedRedis>>;
  let node: ReturnType<typeof createClient>;
  const open: RedisLoadTracker[] = [];
  const make = (client: RedisScriptClient, prefix: string) => {
    const t = new RedisLoadTracker({ client, prefix, publishMs: 20 });
    open.push(t);
    return t;
  };

  beforeAll(async () => {
    server = await sharedRedis();
    node = createClient({ url: server.url });
    await node.connect();
  });
  afterAll(async () => {
    await Promise.all(open.map((t) => t.close()));
    await node?.quit();
    await server?.stop();
  });

  it('merges the latency sketches, calls in flight, throughput and error rates of every instance', async () => {
    const prefix = `load-${process.pid}`;
    const a = make(nodeRedisClient(node), prefix);
    const b = make(nodeRedisClient(node), prefix);
    for (let i = 0; i < 100; i++) a.recordFinish('m', 'code', 100 + (i % 10), true, i);
    for (let i = 0; i < 100; i++) b.recordFinish('m', 'code', 300 + (i % 10), true, i);
    for (let i = 0; i < 20; i++) b.recordFinish('m', 'code', 50, false, 100);
    b.recordStart('m', 'code', 100);
    b.recordStart('m', 'code', 100);
    a.recordStart('m', 'code', 100);
    // Before the view merged: a's own figures only.
    expect(a.latency('m', 'code', 100).count).toBe(100);
    await poll(
      'a merged b',
      async () => (a.latency('m', 'code', 100).count === 200 ? true : undefined),
      3000,
      10,
    );
    const merged = a.latency('m', 'code', 100);
    expect(merged.mean).toBeCloseTo(204.5, 0);
    expect(merged.p50).toBeGreaterThan(109);
    expect(merged.p50).toBeLessThan(301);
    expect(merged.p99).toBeGreaterThanOrEqual(300);
    const stats = a.modelStats('m', 100);
    expect(stats.inFlight).toBe(3);
    expect(stats.errorRate).toBeCloseTo(20 / 220, 5);
    expect(a.instances).toBe(2);
    // The view never waits: an unknown pair answers from the local tracker at once.
    expect(a.latency('m', 'simple', 100).count).toBe(0);
  });

  it("Redis down: the view falls back to the instance's own figures, says so, and merges again when Redis answers", async () => {
    const prefix = `load-down-${process.pid}`;
    const inner = nodeRedisClient(node);
    let off = false;
    const flaky: RedisScriptClient = {
      evalsha: (s, k, a) => (off ? Promise.reject(new Error('down')) : inner.evalsha(s, k, a)),
      eval: (s, k, a) => (off ? Promise.reject(new Error('down')) : inner.eval(s, k, a)),
    };
    const a = make(flaky, prefix);
    const b = make(nodeRedisClient(node), prefix);
    const events: RedisHealthEvent[] = [];
    a.on('health', (e) => events.push(e));
    a.recordFinish('m', 'code', 100, true, 0);
    b.recordFinish('m', 'code', 300, true, 0);
    await poll(
      'merged',
      async () => (a.latency('m', 'code', 0).count === 2 ? true : undefined),
      3000,
      10,
    );
    off = true;
    await poll('down', async () => (a.state === 'down' ? true : undefined), 3000, 10);
    expect(a.latency('m', 'code', 0).count).toBe(1);
    off = false;
    await poll(
      'merged again',
      async () => (a.latency('m', 'code', 0).count === 2 ? true : undefined),
      3000,
      10,
    );
    expect(events.map((e) => e.state)).toEqual(['down', 'up']);
  });

  it("keeps the router's learning: learned figures, quality reports, exportState and importState", async () => {
    const prefix = `learn-${process.pid}`;
    const router = new ZetaDynamicRouter<string, string>({
      tracker: make(nodeRedisClient(node), prefix),
      models: [
        { id: 'a', tasks: ['code'], concurrency: 2, call: async (r: string) => r },
        { id: 'b', tasks: ['code'], concurrency: 2, call: async (r: string) => r },
      ],
    });
    for (let i = 0; i < 20; i++)
      await router.run(`r${i}`, { task: { type: 'code', complexity: 0.5 } });
    router.reportQuality('a', 0.2, { type: 'code', complexity: 0.5 });
    const state = router.exportState();
    const a = state.models.find((m) => m.id === 'a')!;
    expect(a.quality.qualityWeight).toBeGreaterThan(0);
    const served = state.models.flatMap((m) => m.tasks).reduce((n, t) => n + t.all.ok, 0);
    expect(served).toBeCloseTo(20, 0);
    const ranking = router.explain({ type: 'code', complexity: 0.5 }).ranking;
    expect(Math.max(...ranking.map((r) => Number(r.components.evidence ?? 0)))).toBeGreaterThan(0);
    const fresh = new ZetaDynamicRouter<string, string>({
      tracker: make(nodeRedisClient(node), `${prefix}-2`),
      models: [
        { id: 'a', tasks: ['code'], concurrency: 2, call: async (r: string) => r },
        { id: 'b', tasks: ['code'], concurrency: 2, call: async (r: string) => r },
      ],
    });
    fresh.importState(state);
    expect(fresh.exportState().models.find((m) => m.id === 'a')!.quality.qualityWeight).toBeCloseTo(
      a.quality.qualityWeight,
      3,
    );
  });

  it('rejects bad options with CONFIG_INVALID naming each problem', () => {
    const e = configError(
      () =>
        new RedisLoadTracker({
          client: nodeRedisClient(node),
          publishMs: 0,
          tracker: {} as never,
          x: 1,
        } as never),
    );
    expect(e.problems).toEqual([
      expect.stringContaining('unknown option `x`'),
      expect.stringContaining('`tracker` must implement LoadTracker'),
      expect.stringContaining('`publishMs` must be a number from 1 to 600000, got 0'),
    ]);
  });
});
