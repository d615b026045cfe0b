// Streams under OpenTelemetry: the run span and the duration metric end with the stream, not at its
// first chunk, and a stream that breaks after it started ends as an error.
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { instrumentRouter } from '../../../src/integrations/otel/index.js';
import { flush, ManualClock } from '../../helpers/manualClock.js';
import { streamingRouter } from '../../helpers/streamingRouter.js';
import { sdk } from './sdk.js';

const oneModel = (breaks: boolean) =>
  streamingRouter(new ManualClock(), { ttftMs: 30, restMs: 70, breaks: () => breaks });

describe('OpenTelemetry tracing of streams', () => {
  it('ends each stream’s run span when the stream ends, with its time to first chunk', async () => {
    const otel = sdk();
    const router = oneModel(false);
    instrumentRouter(router, otel.options);
    for (let i = 0; i < 3; i++) {
      const chunks: string[] = [];
      for await (const chunk of router.stream(`x${i}`, { task: 'simple' }))
        chunks.push(String(chunk));
      expect(chunks).toEqual(['one', 'two']);
    }
    await flush();
    const runs = otel.finished().filter((s) => s.name === 'chat zeta-router');
    expect(runs).toHaveLength(3); // none left open
    for (const span of runs) {
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toMatchObject({
        'gen_ai.response.model': 'a',
        'zeta.latency_ms': 100,
        'zeta.stream.ttft_ms': 30,
        'zeta.stream.cancelled': false,
      });
    }
    const duration = await otel.points('gen_ai.client.operation.duration');
    expect(duration.points.map((p) => p.value.count)).toEqual([3]);
    expect(duration.points[0]!.value.sum).toBeCloseTo(0.3, 9); // 3 x 100 ms, to the end
    await router.close();
    await otel.shutdown();
  });

  it('ends a stream that broke after it started as an error (MODEL_FAILED)', async () => {
    const otel = sdk();
    const router = oneModel(true);
    instrumentRouter(router, otel.options);
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of router.stream('x', { task: 'simple' })) chunks.push(String(chunk));
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(['one']);
    expect(error).toMatchObject({ code: 'MODEL_FAILED' });
    await flush();
    const [run] = otel.finished().filter((s) => s.name === 'chat zeta-router');
    expect(run).toBeDefined();
    expect(run!.status.code).toBe(SpanStatusCode.ERROR);
    expect(run!.attributes['error.type']).toBe('MODEL_FAILED');
    const [attempt] = otel.finished().filter((s) => s.name === 'chat a');
    expect(attempt!.attributes).toMatchObject({ 'error.type': 'Error', 'zeta.will_retry': false });
    await router.close();
    await otel.shutdown();
  });
});
