import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../../helpers/prometheus.js';
import { type RedisServer, redisAvailable, startRedis } from '../../helpers/redis.js';

const run = redisAvailable('Multi-process Redis tests');
const child = fileURLToPath(new URL('./routerProcess.mjs', import.meta.url));
const CAPACITY = 4;

/** The shared model: a loopback server that counts the requests it is serving at once. */
interface ModelServer {
  readonly url: string;
  readonly current: () => number;
  readonly max: () => number;
  readonly served: () => number;
  reset(): void;
  close(): Promise<void>;
}

async function startModel(): Promise<ModelServer> {
  let current = 0;
  let max = 0;
  let served = 0;
  const server: Server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? '20');
    current++;
    max = Math.max(max, current);
    let open = true;
    const end = (): void => {
      if (!open) return;
      open = false;
      current--;
    };
    const timer = setTimeout(() => {
      end();
      served++;
      res.end('ok');
    }, ms);
    res.on('close', () => {
      clearTimeout(timer);
      end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    current: () => current,
    max: () => max,
    served: () => served,
    reset() {
      max = current;
      served = 0;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Done {
  readonly requests: number;
  readonly settled: number;
  readonly outcomes: Record<string, number>;
  readonly health: string[];
  readonly ms: number;
}

interface Instance {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  readonly done: Promise<Done>;
  readonly stderr: () => string;
}

function startInstance(env: Record<string, string>): Instance {
  const proc = spawn(process.execPath, [child], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => {
    err += String(d);
  });
  let ready!: () => void;
  let done!: (d: Done) => void;
  let fail!: (e: Error) => void;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  const doneP = new Promise<Done>((r, j) => {
    done = r;
    fail = j;
  });
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { type: string } & Done;
    if (msg.type === 'ready') ready();
    if (msg.type === 'done') done(msg);
  });
  proc.on('exit', (code, signal) => {
    fail(new Error(`instance exited (${code ?? signal}) without finishing: ${err.slice(-2000)}`));
  });
  doneP.catch(() => undefined);
  return { process: proc, ready: readyP, done: doneP, stderr: () => err };
}

/** Samples the shared model's concurrency and Redis's live leases every few ms; keeps the maxima. */
function sampler(model: ModelServer, redis: ReturnType<typeof createClient>, prefix: string) {
  let maxServer = 0;
  let maxLeases = 0;
  let samples = 0;
  let stopped = false;
  const key = `{${prefix}:m:shared}:leases`;
  const loop = (async () => {
    while (!stopped) {
      maxServer = Math.max(maxServer, model.current());
      try {
        const live = (await redis.eval(
          "local t = redis.call('TIME'); return redis.call('ZCOUNT', KEYS[1], '(' .. (t[1] * 1000 + math.floor(t[2] / 1000)), '+inf')",
          { keys: [key], arguments: [] },
        )) as number;
        maxLeases = Math.max(maxLeases, live);
      } catch {}
      samples++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { maxServer: Math.max(maxServer, model.max()), maxLeases, samples };
    },
  };
}

describe.runIf(run)('routers in separate processes sharing one model through Redis', () => {
  let redis: RedisServer;
  let model: ModelServer;
  let client: ReturnType<typeof createClient>;
  let n = 0;
  const env = (extra: Record<string, string> = {}) => ({
    REDIS_URL: redis.url,
    MODEL_URL: model.url,
    CAPACITY: String(CAPACITY),
    PREFIX: `mp${n}`,
    ...extra,
  });

  /** Three instances (one on ioredis, two on node-redis) under a fresh prefix, and a sampler. */
  const startThree = (extra: Record<string, string>) => {
    n++;
    model.reset();
    const s = sampler(model, client, `mp${n}`);
    const instances = ['node-redis', 'ioredis', 'node-redis'].map((adapter) =>
      startInstance(env({ ADAPTER: adapter, ...extra })),
    );
    return { s, instances };
  };

  beforeAll(async () => {
    redis = await startRedis();
    model = await startModel();
    client = createClient({ url: redis.url, socket: { reconnectStrategy: 20 } });
    client.on('error', () => undefined);
    await client.connect();
  });
  afterAll(async () => {
    await client?.destroy();
    await model?.close();
    await redis?.stop();
  });

  it('three routers hammering one model never run more than its capacity on it, together', {
    timeout: 60_000,
  }, async () => {
    const { s, instances } = startThree({ REQUESTS: '200', PARALLEL: '8', CALL_MS: '15' });
    const done = await Promise.all(instances.map((i) => i.done));
    const { maxServer, maxLeases, samples } = await s.stop();
    console.log(
      `[redis hammer] 3 processes x 200 requests, capacity ${CAPACITY}: max in flight on the model ${maxServer}, max live leases ${maxLeases} (${samples} samples); outcomes ${JSON.stringify(done.map((d) => d.outcomes))}; ${done.map((d) => Math.round(d.ms)).join('/')} ms`,
    );
    expect(maxServer).toBeLessThanOrEqual(CAPACITY);
    expect(maxLeases).toBeLessThanOrEqual(CAPACITY);
    expect(maxServer).toBe(CAPACITY); // the model was really kept busy
    for (const d of done) {
      expect(d.settled).toBe(d.requests);
      expect(d.outcomes['ok']).toBe(d.requests);
    }
    expect(model.served()).toBe(600);
  });

  it('the leases of a process killed with SIGKILL come back within the lease TTL', {
    timeout: 60_000,
  }, async () => {
    n++;
    model.reset();
    const ttl = 1000;
    // The victim fills the model with calls that take 30 s, then dies.
    const victim = startInstance(
      env({ REQUESTS: '100', PARALLEL: '8', CALL_MS: '30000', LEASE_TTL_MS: String(ttl) }),
    );
    await victim.ready;
    await poll(
      'the victim holds the whole model',
      async () => (model.current() === CAPACITY ? true : undefined),
      10_000,
      5,
    );
    victim.process.kill('SIGKILL');
    const killedAt = performance.now();
    // A survivor starts at once; its first calls wait until the victim's leases expire.
    const survivor = startInstance(
      env({ REQUESTS: '40', PARALLEL: '4', CALL_MS: '10', LEASE_TTL_MS: String(ttl) }),
    );
    await survivor.ready;
    // The victim's calls never finish (30 s): the first call served is the survivor's.
    const reclaimed = await poll(
      'the survivor gets a slot',
      async () => (model.served() > 0 ? performance.now() - killedAt : undefined),
      10_000,
      2,
    );
    const done = await survivor.done;
    console.log(
      `[redis SIGKILL] lease TTL ${ttl} ms: the survivor's first call was served ${Math.round(reclaimed)} ms after the kill; survivor outcomes ${JSON.stringify(done.outcomes)}`,
    );
    expect(reclaimed).toBeLessThan(ttl + 500);
    expect(done.outcomes['ok']).toBe(40);
  });

  it('Redis stopped and restarted mid-run: every request of every process settles, still within capacity', {
    timeout: 60_000,
  }, async () => {
    const { s, instances } = startThree({ REQUESTS: '300', PARALLEL: '6', CALL_MS: '10' });
    await Promise.all(instances.map((i) => i.ready));
    await poll('traffic flows', async () => (model.served() > 50 ? true : undefined), 10_000, 5);
    await redis.stop();
    const servedAtStop = model.served();
    await new Promise((r) => setTimeout(r, 1000));
    const servedDuringOutage = model.served() - servedAtStop;
    await redis.start();

    const done = await Promise.all(instances.map((i) => i.done));
    const { maxServer } = await s.stop();
    const settled = done.reduce((a, d) => a + d.settled, 0);
    console.log(
      `[redis restart] 3 processes x 300 requests: ${settled} settled (${JSON.stringify(done.map((d) => d.outcomes))}), ${servedDuringOutage} served during the 1 s outage, max in flight on the model ${maxServer} (capacity ${CAPACITY}); health ${JSON.stringify(done.map((d) => d.health))}`,
    );
    for (const d of done) {
      expect(d.settled).toBe(d.requests);
      expect(d.health[0]).toBe('down');
    }
    // An instance that finished its requests within the rejoin delay had no time to rejoin.
    expect(done.some((d) => d.health.includes('up'))).toBe(true);
    expect(maxServer).toBeLessThanOrEqual(CAPACITY);
    expect(settled).toBe(900);
  });
});
