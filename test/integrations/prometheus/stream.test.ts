// Streams in the Prometheus metrics: counted when they end, a broken one as an error.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerPrometheusMetrics } from '../../../src/integrations/prometheus/index.js';
import { flush, ManualClock } from '../../helpers/manualClock.js';
import { streamingRouter } from '../../helpers/streamingRouter.js';
import { value } from './samples.js';

describe('registerPrometheusMetrics: streams', () => {
  it('counts a stream when it ends: success with its whole duration, or error when it broke', async () => {
    const clock = new ManualClock();
    let breakNext = false;
    const router = streamingRouter(clock, { ttftMs: 0, restMs: 250, breaks: () => breakNext });
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    const labels = { model: 'a', task: 'simple' };
    for (let i = 0; i < 2; i++) for await (const _ of router.stream(`x${i}`, { task: 'simple' }));
    breakNext = true;
    await (async () => {
      for await (const _ of router.stream('y', { task: 'simple' }));
    })().catch(() => undefined);
    await flush();
    const requests = 'zeta_router_requests_total';
    expect(await value(registry, requests, { ...labels, outcome: 'success' })).toBe(2);
    expect(await value(registry, requests, { ...labels, outcome: 'error' })).toBe(1);
    expect(
      await value(registry, 'zeta_router_rejections_total', {
        task: 'simple',
        code: 'MODEL_FAILED',
      }),
    ).toBe(1);
    const seconds = 'zeta_router_call_duration_seconds';
    expect(await value(registry, seconds, labels, `${seconds}_sum`)).toBeCloseTo(0.5, 9);
    await router.close();
  });
});
