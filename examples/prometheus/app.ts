/**
 * An app that routes LLM requests with zeta-router and serves its metrics for Prometheus on
 * `/metrics`. Three simulated models (a 7B coder, a 4B embedder, a 14B reasoner) answer in tens of
 * milliseconds; `drive()` sends bursts of mixed requests, mostly code, so the coder saturates and
 * spills, the admission queue sheds some, and the embedder has a short outage (it opens, cools off
 * and comes back). The simulated clients stream, so they report a time to first token, and their
 * "servers" report a KV-cache usage reading.
 *
 * `npx tsx examples/prometheus/app.ts` serves on http://127.0.0.1:9464/metrics until Ctrl-C;
 * `test/integrations/prometheus/server.test.ts` starts it on a free port and points a real
 * Prometheus at it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { type CallContext, ZetaDynamicRouter } from '../../src/index.js';
import {
  type PrometheusMetrics,
  registerPrometheusMetrics,
} from '../../src/integrations/prometheus/index.js';

/** Median service time in ms per model and task type. */
const speed: Record<string, Record<string, number>> = {
  'coder-7b': { code: 60, simple: 25, reasoning: 150 },
  'embedder-4b': { embedding: 8, simple: 30 },
  'reasoner-14b': { code: 90, simple: 45, reasoning: 110 },
};

export interface MetricsApp {
  readonly router: ZetaDynamicRouter<string, string>;
  readonly registry: Registry;
  readonly metrics: PrometheusMetrics;
  /** `http://127.0.0.1:PORT/metrics`. */
  readonly url: string;
  readonly port: number;
  /**
   * Routes bursts of requests until `signal` aborts: every `periodMs`, a burst of `burst`
   * requests (70% code). Resolves once the last request settled.
   */
  drive(signal: AbortSignal, options?: { burst?: number; periodMs?: number }): Promise<DriveStats>;
  /** Stops the HTTP server and closes the router (which unregisters the metrics). */
  close(): Promise<void>;
}

/** What `drive()` routed. */
export interface DriveStats {
  served: number;
  rejected: Record<string, number>;
}

/** Starts the app: a router, its metrics on a registry of its own, and `/metrics` over HTTP. */
export async function startMetricsApp(
  options: { port?: number; host?: string } = {},
): Promise<MetricsApp> {
  const registry = new Registry();
  const started = performance.now();
  let metrics: PrometheusMetrics | undefined;
  const running = new Map<string, number>();

  /** A stand-in for a streaming model client that honours its abort signal. */
  const simulated =
    (id: string) =>
    (_req: string, ctx: CallContext): Promise<string> =>
      new Promise((resolve, reject) => {
        const t = (performance.now() - started) % 10_000;
        // The embedder's server is down for a second of every ten: it opens, then recovers.
        if (id === 'embedder-4b' && t > 2000 && t < 3000) {
          reject(new Error('503 Service Unavailable'));
          return;
        }
        const median = speed[id]?.[ctx.task.type] ?? 50;
        const ms = median * Math.exp(0.35 * gaussian());
        let settled = false;
        const settle = (): void => {
          settled = true;
          running.set(id, (running.get(id) ?? 1) - 1);
        };
        running.set(id, (running.get(id) ?? 0) + 1);
        metrics?.setProbeReading(
          id,
          'kv_cache_usage_ratio',
          Math.min(1, (running.get(id) ?? 0) / 8),
        );
        const first = setTimeout(
          () => metrics?.observeTimeToFirstToken(id, ctx.task.type, (ms * 0.25) / 1000),
          ms * 0.25,
        );
        const done = setTimeout(() => {
          settle();
          resolve(`${id}: ok`);
        }, ms);
        ctx.signal.addEventListener('abort', () => {
          if (settled) return;
          clearTimeout(first);
          clearTimeout(done);
          settle();
          reject(ctx.signal.reason);
        });
      });

  const router = new ZetaDynamicRouter<string, string>({
    models: [
      {
        id: 'coder-7b',
        call: simulated('coder-7b'),
        tasks: ['simple', 'code', 'reasoning'],
        home: ['code', 'simple'],
        concurrency: 4,
        maxQueue: 8,
      },
      {
        id: 'embedder-4b',
        call: simulated('embedder-4b'),
        tasks: ['embedding', 'simple'],
        home: ['embedding'],
        concurrency: 8,
        maxQueue: 8,
      },
      {
        id: 'reasoner-14b',
        call: simulated('reasoner-14b'),
        tasks: ['simple', 'code', 'reasoning'],
        home: ['reasoning'],
        concurrency: 3,
        maxQueue: 6,
      },
    ],
    maxWaiting: 12,
    timeoutMs: 2000,
    health: { cooldownMs: 1000, openAfterFailures: 3 },
  });
  metrics = registerPrometheusMetrics(router, { registry });

  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  const drive: MetricsApp['drive'] = async (signal, o = {}) => {
    const burst = o.burst ?? 40;
    const periodMs = o.periodMs ?? 500;
    const stats: DriveStats = { served: 0, rejected: {} };
    const runs: Promise<void>[] = [];
    while (!signal.aborted) {
      for (let i = 0; i < burst; i++) {
        const task = pickTask();
        runs.push(
          router.run(`${task} request ${i}`, { task }).then(
            () => {
              stats.served++;
            },
            (error: { code?: string }) => {
              const code = error.code ?? 'UNKNOWN';
              stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
            },
          ),
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, periodMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await Promise.all(runs);
    return stats;
  };

  return {
    router,
    registry,
    metrics,
    port,
    url: `http://127.0.0.1:${port}/metrics`,
    drive,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await router.close();
    },
  };
}

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

function pickTask(): string {
  const r = Math.random();
  return r < 0.7 ? 'code' : r < 0.8 ? 'simple' : r < 0.9 ? 'embedding' : 'reasoning';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await startMetricsApp({ port: Number(process.env['PORT'] ?? 9464) });
  console.log(`zeta-router metrics on ${app.url} (Ctrl-C to stop)`);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  await app.drive(stop.signal);
  await app.close();
}
