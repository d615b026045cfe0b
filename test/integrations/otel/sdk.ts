import {
  AggregationTemporality,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { OtelOptions } from '../../../src/integrations/otel/index.js';

/** The real SDK with its in-memory exporters: what the app would set up, minus the network. */
export function sdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // The export interval is never reached: the test collects with forceFlush().
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const options = {
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
  } satisfies OtelOptions;
  return {
    options,
    finished: (): ReadableSpan[] => spans.getFinishedSpans(),
    /** Every data point of the GenAI histogram `name`, as the metric exporter received them. */
    async points(name: string) {
      await reader.forceFlush();
      const all =
        metricExporter
          .getMetrics()
          .at(-1)
          ?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
      const metric = all.find((m) => m.descriptor.name === name) as HistogramMetricData | undefined;
      return { unit: metric?.descriptor.unit, points: metric?.dataPoints ?? [] };
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
