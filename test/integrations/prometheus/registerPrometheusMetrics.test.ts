import { Gauge, register as globalRegistry, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerPrometheusMetrics } from '../../../src/integrations/prometheus/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { configError } from '../../helpers/configError.js';
import { flush } from '../../helpers/manualClock.js';
import { fleet, rejection } from '../../router/fixtures.js';
import { samples, value } from './samples.js';

describe('registerPrometheusMetrics', () => {
  it('registers every metric under zeta_router_ on the registry passed, never the global one', () => {
    const { router } = fleet();
    const registry = new Registry();
    const before = globalRegistry.getMetricsAsArray().length;
    const metrics = registerPrometheusMetrics(router, { registry });
    expect(globalRegistry.getMetricsAsArray().length).toBe(before);
    expect(metrics.registry).toBe(registry);
    expect(metrics.names.every((n) => n.startsWith('zeta_router_'))).toBe(true);
    expect(
      registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name),
    ).toEqual(metrics.names);
    for (const name of metrics.names) {
      // Prometheus naming: counters end in _total, durations are in seconds.
      if (name.includes('duration') || name.includes('wait') || name.includes('first_token')) {
        if (!name.includes('waiting')) expect(name).toMatch(/_seconds$/);
      }
    }
    expect(metrics.names).toEqual(
      expect.arrayContaining([
        'zeta_router_requests_total',
        'zeta_router_spills_total',
        'zeta_router_retries_total',
        'zeta_router_rejections_total',
        'zeta_router_cooldowns_total',
        'zeta_router_request_duration_seconds',
        'zeta_router_queue_wait_seconds',
        'zeta_router_time_to_first_token_seconds',
        'zeta_router_in_flight_requests',
        'zeta_router_tokens_in_flight',
        'zeta_router_concurrency_limit',
        'zeta_router_model_health_state',
        'zeta_router_utilization_ratio',
        'zeta_router_probe_reading',
        'zeta_router_arrival_forecast_rate',
        'zeta_router_arrivals_total',
        'zeta_router_tokens_total',
      ]),
    );
  });

  it('counts the tokens calls report, by kind (prompt, completion), from 0 once dispatched to', async () => {
    const { router, coder } = fleet();
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    const labels = { model: 'coder-7b', task: 'code' };
    const first = router.run('x', { task: 'code' });
    await flush();
    expect(await value(registry, 'zeta_router_tokens_total', { ...labels, kind: 'prompt' })).toBe(
      0,
    );
    coder.calls[0]!.ctx.reportUsage({ promptTokens: 120, completionTokens: 30 });
    coder.finishNext();
    await first;
    const second = router.run('y', { task: 'code' });
    await flush();
    coder.calls[1]!.ctx.reportUsage({ promptTokens: 5, completionTokens: 7 });
    coder.finishNext();
    await second;
    expect(await value(registry, 'zeta_router_tokens_total', { ...labels, kind: 'prompt' })).toBe(
      125,
    );
    expect(
      await value(registry, 'zeta_router_tokens_total', { ...labels, kind: 'completion' }),
    ).toBe(37);
  });

  it('counts requests, dispatches and durations from events, in seconds', async () => {
    const { router, clock, coder } = fleet();
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    const run = router.run('x', { task: 'code' });
    await flush();
    await clock.advance(250);
    coder.finishNext();
    await run;
    const labels = { model: 'coder-7b', task: 'code' };
    expect(
      await value(registry, 'zeta_router_requests_total', { ...labels, outcome: 'success' }),
    ).toBe(1);
    expect(await value(registry, 'zeta_router_dispatches_total', labels)).toBe(1);
    // Error and spill counters of a (model, task) start at 0 once it is dispatched to.
    expect(await value(registry, 'zeta_router_spills_total', labels)).toBe(0);
    expect(await value(registry, 'zeta_router_retries_total', labels)).toBe(0);
    expect(
      await value(
        registry,
        'zeta_router_request_duration_seconds',
        labels,
        'zeta_router_request_duration_seconds_sum',
      ),
    ).toBeCloseTo(0.25, 9);
    expect(
      await value(
        registry,
        'zeta_router_call_duration_seconds',
        { ...labels, le: '0.3' },
        'zeta_router_call_duration_seconds_bucket',
      ),
    ).toBe(1);
    expect(
      await value(
        registry,
        'zeta_router_call_duration_seconds',
        { ...labels, le: '0.2' },
        'zeta_router_call_duration_seconds_bucket',
      ),
    ).toBe(0);
  });

  it('counts spills, failures, retries and rejections by code', async () => {
    const { router, coder, reasoner } = fleet({}, { coder: { concurrency: 1, maxQueue: 0 } });
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    // The coder takes the first code request; the second spills to the reasoner.
    const first = rejection(router.run('a', { task: 'code' }));
    const second = router.run('b', { task: 'code' });
    await flush();
    expect(
      await value(registry, 'zeta_router_spills_total', { model: 'reasoner-14b', task: 'code' }),
    ).toBe(1);
    // The coder's call fails; its retry waits for the reasoner, busy with the second request.
    coder.failNext();
    await flush();
    expect(
      await value(registry, 'zeta_router_call_errors_total', { model: 'coder-7b', task: 'code' }),
    ).toBe(1);
    expect(
      await value(registry, 'zeta_router_retries_total', { model: 'coder-7b', task: 'code' }),
    ).toBe(1);
    reasoner.finishNext(); // the second request succeeds; the retry of the first starts
    await flush();
    reasoner.failNext(); // and fails: no model left to try
    await flush();
    await second;
    expect((await first).code).toBe('MODEL_FAILED');
    expect(
      await value(registry, 'zeta_router_rejections_total', { task: 'code', code: 'MODEL_FAILED' }),
    ).toBe(1);
    expect(
      await value(registry, 'zeta_router_requests_total', {
        model: 'reasoner-14b',
        task: 'code',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(
      await value(registry, 'zeta_router_requests_total', {
        model: 'reasoner-14b',
        task: 'code',
        outcome: 'success',
      }),
    ).toBe(1);
    // A request that never reached a model: model "none".
    expect((await rejection(router.run('c', { task: 'translation' }))).code).toBe(
      'NO_CAPABLE_MODEL',
    );
    expect(
      await value(registry, 'zeta_router_requests_total', {
        model: 'none',
        task: 'translation',
        outcome: 'error',
      }),
    ).toBe(1);
  });

  it('reads gauges from snapshot() at scrape time: load, capacity, utilisation, health', async () => {
    const { router, coder, reasoner } = fleet({
      health: { openAfterFailures: 1, cooldownMs: 1000 },
    });
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    const runs = [router.run('a', { task: 'code' }), router.run('b', { task: 'code' })];
    await flush();
    const coderLabel = { model: 'coder-7b' };
    expect(await value(registry, 'zeta_router_in_flight_requests', coderLabel)).toBe(2);
    expect(await value(registry, 'zeta_router_concurrency_limit', coderLabel)).toBe(2);
    expect(await value(registry, 'zeta_router_utilization_ratio', coderLabel)).toBe(1);
    expect(await value(registry, 'zeta_router_queue_limit', coderLabel)).toBe(2);
    expect(await value(registry, 'zeta_router_max_tokens', coderLabel)).toBeUndefined();
    expect(await value(registry, 'zeta_router_pending_requests')).toBe(2);
    expect(await value(registry, 'zeta_router_model_health_state', coderLabel)).toBe(0);
    coder.failNext();
    await flush();
    expect(await value(registry, 'zeta_router_model_health_state', coderLabel)).toBe(2);
    expect(await value(registry, 'zeta_router_cooldowns_total', coderLabel)).toBe(1);
    expect(await value(registry, 'zeta_router_in_flight_requests', coderLabel)).toBe(1);
    await coder.finishAll();
    await reasoner.finishAll();
    await Promise.allSettled(runs);
    expect(await value(registry, 'zeta_router_arrivals_total', { task: 'code' })).toBe(2);
    expect(await value(registry, 'zeta_router_arrival_rate', { task: 'code' })).toBeGreaterThan(0);
    expect(await value(registry, 'zeta_router_arrival_forecast_rate', { task: 'code' })).toBeTypeOf(
      'number',
    );
  });

  it('folds task types past maxTaskTypes into `other`', async () => {
    const { router, reasoner } = fleet(
      {},
      { reasoner: { tasks: ['simple', 'code', 'reasoning', 'a', 'b', 'c'] } },
    );
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry, maxTaskTypes: 2 });
    for (const task of ['a', 'b', 'c']) {
      const run = router.run(task, { task });
      await flush();
      reasoner.finishNext();
      await run;
    }
    const tasks = (await samples(registry, 'zeta_router_requests_total')).map((s) => s.labels.task);
    expect(tasks.sort()).toEqual(['a', 'b', 'other']);
  });

  it('takes time to first token and probe readings from its hooks and from router events', async () => {
    const { router } = fleet();
    const registry = new Registry();
    const metrics = registerPrometheusMetrics(router, { registry, maxProbeReadings: 1 });
    expect(await samples(registry, 'zeta_router_time_to_first_token_seconds')).toEqual([]);
    metrics.observeTimeToFirstToken('coder-7b', 'code', 0.07);
    // A router that emits `firstToken` and `probe` feeds them the same way.
    (router as unknown as { emit(e: string, p: unknown): void }).emit('firstToken', {
      model: 'coder-7b',
      task: { type: 'code', complexity: 0.5 },
      ttftMs: 30,
    });
    expect(
      await value(
        registry,
        'zeta_router_time_to_first_token_seconds',
        { model: 'coder-7b', task: 'code' },
        'zeta_router_time_to_first_token_seconds_count',
      ),
    ).toBe(2);
    metrics.setProbeReading('coder-7b', 'kv_cache_usage_ratio', 0.4);
    metrics.setProbeReading('coder-7b', 'too_many', 1); // past maxProbeReadings: dropped
    metrics.setProbeReading('no-such-model', 'kv_cache_usage_ratio', 1); // unknown: dropped
    (router as unknown as { emit(e: string, p: unknown): void }).emit('probe', {
      model: 'reasoner-14b',
      readings: { kv_cache_usage_ratio: 0.9 },
    });
    const probes = await samples(registry, 'zeta_router_probe_reading');
    expect(probes.map((s) => [s.labels.model, s.labels.reading, s.value])).toEqual([
      ['coder-7b', 'kv_cache_usage_ratio', 0.4],
      ['reasoner-14b', 'kv_cache_usage_ratio', 0.9],
    ]);
    // Malformed values are ignored, never thrown.
    metrics.observeTimeToFirstToken('coder-7b', 'code', Number.NaN);
    metrics.setProbeReading('coder-7b', 'kv_cache_usage_ratio', Number.NaN);
    (router as unknown as { emit(e: string, p: unknown): void }).emit('firstToken', null);
    (router as unknown as { emit(e: string, p: unknown): void }).emit('probe', { model: 1 });
  });

  it('returns the first handle when the same router registers twice, refuses a second router', () => {
    const a = fleet().router;
    const b = fleet().router;
    const registry = new Registry();
    const first = registerPrometheusMetrics(a, { registry });
    expect(registerPrometheusMetrics(a, { registry })).toBe(first);
    const error = configError(() => registerPrometheusMetrics(b, { registry }));
    expect(error.message).toMatch(/already holds zeta_router_requests_total/);
    expect(error.message).toMatch(/its own registry, or another `prefix`/);
    // Another prefix on the same registry is fine, and so is re-registering after unregister().
    const other = registerPrometheusMetrics(b, { registry, prefix: 'b_' });
    expect(other.names[0]).toMatch(/^b_/);
    first.unregister();
    first.unregister();
    expect(first.registered).toBe(false);
    expect(registry.getSingleMetric('zeta_router_requests_total')).toBeUndefined();
    const again = registerPrometheusMetrics(b, { registry });
    expect(again).not.toBe(first);
    expect(again.registered).toBe(true);
  });

  it('refuses a name the app already registered, and leaves the registry as it was', () => {
    const { router } = fleet();
    const registry = new Registry();
    registry.registerMetric(
      new Gauge({
        name: 'zeta_router_pending_requests',
        help: 'mine',
        registers: [],
      }),
    );
    const error = configError(() => registerPrometheusMetrics(router, { registry }));
    expect(error.message).toMatch(/zeta_router_pending_requests/);
    expect(registry.getMetricsAsArray()).toHaveLength(1);
  });

  it('unregisters when the router closes, and stops counting', async () => {
    const { router } = fleet();
    const registry = new Registry();
    const metrics = registerPrometheusMetrics(router, { registry });
    await router.close();
    expect(metrics.registered).toBe(false);
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(router.listenerCount('dispatch')).toBe(0);
    // A second close() emits nothing more.
    await router.close();
  });

  it('serves a scrape in the Prometheus text format with every help line', async () => {
    const router = new ZetaDynamicRouter<string, string>({
      models: [{ id: 'm', call: async (r) => r, tasks: ['simple'], home: ['simple'] }],
    });
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    await router.run('hi', { task: 'simple' });
    const text = await registry.metrics();
    expect(text).toMatch(/^# HELP zeta_router_requests_total /m);
    expect(text).toMatch(/^# TYPE zeta_router_request_duration_seconds histogram$/m);
    expect(text).toMatch(
      /^zeta_router_requests_total\{model="m",task="simple",outcome="success"\} 1$/m,
    );
    expect(text).toMatch(
      /^zeta_router_request_duration_seconds_bucket\{le="960",model="m",task="simple"\} 1$/m,
    );
    await router.close();
  });
});

describe('registerPrometheusMetrics options', () => {
  it('needs a router and a registry', () => {
    const { router } = fleet();
    expect(
      configError(() => registerPrometheusMetrics({} as never, { registry: new Registry() }))
        .message,
    ).toMatch(/`router` must be a ZetaDynamicRouter, got an object/);
    expect(
      configError(() => registerPrometheusMetrics(router, undefined as never)).message,
    ).toMatch(/options must be an object with a `registry`, got undefined/);
    expect(configError(() => registerPrometheusMetrics(router, {} as never)).message).toMatch(
      /`registry` must be a prom-client Registry \(e\.g\. `new Registry\(\)`\), got undefined/,
    );
  });

  it('lists every problem at once, unknown keys included', () => {
    const { router } = fleet();
    const error = configError(() =>
      registerPrometheusMetrics(router, {
        registry: new Registry(),
        prefix: '9bad-',
        maxTaskTypes: 0,
        maxProbeReadings: 1.5,
        buckets: {
          requestDuration: [1, 1],
          queueWait: [],
          timeToFirstToken: [0.1, Number.NaN],
          bogus: [],
        },
        registy: 1,
      } as never),
    );
    expect(error.problems).toEqual([
      'unknown option `registy` (known: registry, prefix, maxTaskTypes, maxProbeReadings, buckets)',
      "`prefix` must be a string of letters, digits, '_' and ':' not starting with a digit, got \"9bad-\"",
      '`maxTaskTypes` must be an integer from 1 to 1000, got 0',
      '`maxProbeReadings` must be an integer from 1 to 1000, got 1.5',
      'unknown option `buckets.bogus` (known: requestDuration, callDuration, queueWait, timeToFirstToken)',
      '`buckets.requestDuration` must be strictly ascending, got 1 then 1',
      '`buckets.queueWait` must hold 1 to 64 bounds, got 0',
      '`buckets.timeToFirstToken[1]` must be a finite number > 0, got NaN',
    ]);
  });

  it('takes custom buckets and prefix', async () => {
    const { router } = fleet();
    const registry = new Registry();
    registerPrometheusMetrics(router, {
      registry,
      prefix: 'llm_',
      buckets: { requestDuration: [1, 5] },
    });
    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE llm_requests_total counter$/m);
    expect(text).not.toMatch(/zeta_router_/);
  });
});

describe('registerPrometheusMetrics: model server probes', () => {
  it("exports what a model's own load probe last read as probe_reading", async () => {
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'vllm-1',
          tasks: ['simple'],
          call: async (r) => r,
          probe: { read: () => ({ running: 3, waiting: 2, kvCacheUsage: 0.75 }) },
        },
      ],
    });
    await flush();
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    const reading = (r: string) =>
      value(registry, 'zeta_router_probe_reading', { model: 'vllm-1', reading: r });
    expect(await reading('requests_running')).toBe(3);
    expect(await reading('requests_waiting')).toBe(2);
    expect(await reading('kv_cache_usage_ratio')).toBe(0.75);
    await router.close();
  });
});

describe('registerPrometheusMetrics: live A/B experiments', () => {
  it('exports per arm requests, completions, errors, latency quantiles and quality', async () => {
    const { router, clock, coder } = fleet({
      experiments: [{ name: 'trial', strategy: 'least-loaded', share: 0.5 }],
      maxAttempts: 1,
    });
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    const ok = router.runWithInfo('x', { task: 'code', experiment: 'trial' });
    const bad = rejection(
      router.run('y', { task: 'embedding', experiment: 'control', timeoutMs: 100 }),
    );
    await flush();
    await clock.advance(200);
    coder.finishNext();
    const info = await ok;
    expect((await bad).code).toBe('TIMEOUT');
    router.reportQuality(info.model, 0.75, info.id);
    const trial = { arm: 'trial' };
    expect(await value(registry, 'zeta_router_experiment_requests_total', trial)).toBe(1);
    expect(await value(registry, 'zeta_router_experiment_completed_total', trial)).toBe(1);
    expect(
      await value(registry, 'zeta_router_experiment_latency_seconds', {
        ...trial,
        quantile: '0.99',
      }),
    ).toBe(0.2);
    expect(await value(registry, 'zeta_router_experiment_quality_ratio', trial)).toBe(0.75);
    expect(
      await value(registry, 'zeta_router_experiment_errors_total', {
        arm: 'control',
        code: 'TIMEOUT',
      }),
    ).toBe(1);
    // No latency sample for an arm with no completion.
    expect(
      await value(registry, 'zeta_router_experiment_latency_seconds', { arm: 'control' }),
    ).toBeUndefined();
  });

  it('exports no experiment samples without experiments', async () => {
    const { router } = fleet();
    const registry = new Registry();
    registerPrometheusMetrics(router, { registry });
    expect(await samples(registry, 'zeta_router_experiment_requests_total')).toEqual([]);
  });
});
