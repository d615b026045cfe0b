/**
 * Cost of the integrations: the same immediate-resolving calls through the bare router, the router
 * with zeta-router/prometheus registered (events counted and observed per request; gauges cost
 * nothing until a scrape), and with zeta-router/otel (the API's no-op tracer, and the real SDK
 * with spans handed to an exporter that drops them). Interleaved rounds, median round, as in
 * overhead.ts. Printed, never asserted.
 */
import { type Context, context, ROOT_CONTEXT } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { ZetaDynamicRouter } from '../dist/index.js';
import { instrumentRouter } from '../dist/otel/index.js';
import { registerPrometheusMetrics } from '../dist/prometheus/index.js';
import { round, type Submit } from './overhead.js';

const N = Number(process.env['BENCH_REQUESTS'] ?? 200_000);
const ROUNDS = 10;
const call = async (req: number): Promise<number> => req;

function router() {
  return new ZetaDynamicRouter<number, number>({
    models: ['a', 'b', 'c'].map((id, i) => ({
      id,
      call,
      tasks: ['simple', 'code'],
      home: i === 0 ? ['simple'] : [],
      concurrency: 64,
    })),
    health: false,
  });
}

/** An exporter that drops every span: the SDK's own cost, without I/O or growing memory. */
const dropSpans: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }), // ExportResultCode.SUCCESS
  shutdown: async () => {},
};

export async function integrationsBench(): Promise<void> {
  console.log(
    `\n## Integrations (${N.toLocaleString()} requests each, 3 models, immediate calls, median of ${ROUNDS} interleaved rounds)\n`,
  );
  // A plain context manager is enough: the bench measures the integration, not propagation.
  context.setGlobalContextManager({
    active: (): Context => ROOT_CONTEXT,
    with: (_ctx, fn, thisArg, ...args) => fn.call(thisArg, ...args),
    bind: (_ctx, target) => target,
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  });
  const bare = router();
  const prom = router();
  const registry = new Registry();
  registerPrometheusMetrics(prom, { registry });
  const otelNoop = router();
  instrumentRouter(otelNoop);
  const otelSdk = router();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: dropSpans })],
  });
  const meterProvider = new MeterProvider();
  instrumentRouter(otelSdk, {
    tracer: tracerProvider.getTracer('bench'),
    meter: meterProvider.getMeter('bench'),
  });
  const variants: Array<[string, Submit]> = [
    ['router', (i) => bare.run(i, { task: 'simple' })],
    ['router + prometheus', (i) => prom.run(i, { task: 'simple' })],
    ['router + otel (API no-op)', (i) => otelNoop.run(i, { task: 'simple' })],
    ['router + otel (SDK)', (i) => otelSdk.run(i, { task: 'simple' })],
  ];
  for (const [, submit] of variants) await round(submit, 10_000); // warm-up
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, submit] of variants) samples.get(name)!.push(await round(submit, N / ROUNDS));
  }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(samples.get('router')!);
  for (const [name, xs] of samples) {
    const v = median(xs);
    const added = name === 'router' ? '' : `   +${(v - base).toFixed(0)} ns/request`;
    console.log(`${name.padEnd(30)}${v.toFixed(0).padStart(8)} ns/request${added}`);
  }
  const scrapeStart = process.hrtime.bigint();
  const text = await registry.metrics();
  const scrapeUs = Number(process.hrtime.bigint() - scrapeStart) / 1000;
  console.log(
    `\none Prometheus scrape (gauges read from snapshot()): ${scrapeUs.toFixed(0)} µs, ${text.length.toLocaleString()} bytes`,
  );
  await Promise.all([bare.close(), prom.close(), otelNoop.close(), otelSdk.close()]);
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  context.disable();
}

if (import.meta.url === `file://${process.argv[1]}`) await integrationsBench();
