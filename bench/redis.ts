/**
 * The Redis capacity coordinator's cost: the same immediate-resolving calls through a router with
 * no coordinator, with the in-memory coordinator and with the Redis one (a redis-server started here
 * on a loopback port; skipped when the binary is missing). Throughput (decisions per second, 64
 * requests in flight) and added latency per request (one request at a time) side by side; rounds
 * interleaved, median round. Figures are printed, never asserted.
 */
import { createClient } from 'redis';
import {
  type CapacityCoordinator,
  InMemoryCapacityCoordinator,
  ZetaDynamicRouter,
} from '../dist/index.js';
import { nodeRedisClient, RedisCapacityCoordinator } from '../dist/redis/index.js';
import { redisServerBinary, startRedis } from '../test/helpers/redis.js';
import { round } from './overhead.js';

const N = Number(process.env.BENCH_REDIS_REQUESTS ?? 20_000);
const SEQUENTIAL = 2_000;
const ROUNDS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function router(capacity: CapacityCoordinator | undefined) {
  return new ZetaDynamicRouter<number, number>({
    models: [
      { id: 'm', call: async (r: number) => r, tasks: ['simple'], concurrency: 64, maxQueue: 64 },
    ],
    ...(capacity ? { capacity } : {}),
    health: false,
  });
}

export async function redisBench(): Promise<void> {
  console.log('\n## Redis capacity coordinator (zeta-router/redis)\n');
  if (redisServerBinary === undefined) {
    console.log('skipped: no redis-server on PATH (apt-get install redis-server)');
    return;
  }
  // Started and answering PING before the client connects: one connect, no retry loop (a
  // node-redis client that failed to connect keeps reconnecting by itself, and a second
  // connect() then throws 'Socket already opened').
  const server = await startRedis();
  try {
    const client = createClient({ url: server.url });
    await client.connect();
    const redis = new RedisCapacityCoordinator({
      client: nodeRedisClient(client),
      prefix: 'bench',
    });
    let outages = 0;
    redis.on('health', (e) => {
      if (e.state === 'down') outages++;
    });
    const variants = {
      'no coordinator': router(undefined),
      'in-memory coordinator': router(new InMemoryCapacityCoordinator()),
      'Redis coordinator': router(redis),
    };
    const task = { task: 'simple' } as const;
    const names = Object.keys(variants);
    const throughput: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const latency: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, zr] of Object.entries(variants)) {
        throughput[name]!.push(await round((i) => zr.run(i, task), N));
        const start = process.hrtime.bigint();
        for (let i = 0; i < SEQUENTIAL; i++) await zr.run(i, task);
        latency[name]!.push(Number(process.hrtime.bigint() - start) / SEQUENTIAL);
      }
    }
    const base = median(latency['in-memory coordinator']!);
    console.log(
      'variant                  decisions/s (64 in flight)   latency per request (1 at a time)',
    );
    for (const name of Object.keys(variants)) {
      const ns = median(throughput[name]!);
      const lat = median(latency[name]!);
      const added =
        name === 'Redis coordinator'
          ? `  (+${((lat - base) / 1000).toFixed(1)} µs over in-memory)`
          : '';
      console.log(
        `${name.padEnd(24)} ${Math.round(1e9 / ns)
          .toLocaleString('en-US')
          .padStart(12)}                 ${(lat / 1000).toFixed(1).padStart(8)} µs${added}`,
      );
    }
    console.log(
      `(${N} requests per throughput round, ${SEQUENTIAL} sequential, median of ${ROUNDS} rounds; Redis on loopback; the Redis coordinator was ${outages === 0 ? 'up throughout' : `down ${outages} time(s): figures mix in local grants`})`,
    );
    for (const zr of Object.values(variants)) await zr.close();
    await redis.close();
    await client.quit();
  } finally {
    await server.stop();
  }
}
