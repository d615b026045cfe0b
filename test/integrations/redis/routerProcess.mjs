// One app instance for the multi-process tests: a router over one shared model (a loopback HTTP
// server) whose capacity is held in Redis. Run with `node routerProcess.mjs` and the settings as
// environment variables; it prints JSON lines: `ready`, then `done` with what every run() became.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { ZetaDynamicRouter } from '../../../dist/index.js';
import {
  ioredisClient,
  nodeRedisClient,
  RedisCapacityCoordinator,
} from '../../../dist/redis/index.js';

const env = process.env;
const requests = Number(env.REQUESTS);
const parallel = Number(env.PARALLEL);
const callMs = env.CALL_MS ?? '20';

let client;
let closeClient;
if (env.ADAPTER === 'ioredis') {
  const io = new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 50,
  });
  io.on('error', () => undefined);
  await new Promise((resolve) => io.once('ready', resolve));
  client = ioredisClient(io);
  closeClient = () => io.disconnect();
} else {
  const nr = createClient({
    url: env.REDIS_URL,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: 50 },
  });
  nr.on('error', () => undefined);
  await nr.connect();
  client = nodeRedisClient(nr);
  closeClient = () => nr.destroy();
}

const capacity = new RedisCapacityCoordinator({
  client,
  prefix: env.PREFIX,
  leaseTtlMs: Number(env.LEASE_TTL_MS ?? 10_000),
  refreshMs: 50,
  commandTimeoutMs: 250,
  ...(env.FALLBACK_SHARE ? { fallbackShare: Number(env.FALLBACK_SHARE) } : {}),
});
const health = [];
capacity.on('health', (e) => health.push(e.state));

const router = new ZetaDynamicRouter({
  models: [
    {
      id: 'shared',
      tasks: ['simple'],
      concurrency: Number(env.CAPACITY),
      maxQueue: parallel,
      call: async (_req, ctx) => {
        const res = await fetch(`${env.MODEL_URL}/call?ms=${callMs}`, { signal: ctx.signal });
        return res.text();
      },
    },
  ],
  capacity,
  health: false,
});

console.log(JSON.stringify({ type: 'ready', pid: process.pid }));
const outcomes = {};
let settled = 0;
let next = 0;
const worker = async () => {
  while (next < requests) {
    next++;
    let outcome;
    try {
      await router.run('hello', { task: 'simple', timeoutMs: 15_000 });
      outcome = 'ok';
    } catch (error) {
      outcome = error?.code ?? 'not a ZetaError';
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    settled++;
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: parallel }, worker));
const ms = performance.now() - started;
await router.close();
await capacity.close();
closeClient();
console.log(JSON.stringify({ type: 'done', requests, settled, outcomes, health, ms }));
