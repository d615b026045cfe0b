import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZetaError } from '../../../src/errors/ZetaError.js';
import type { TokenUsage } from '../../../src/index.js';
import {
  createOtelTracing,
  errorType,
  instrumentRouter,
} from '../../../src/integrations/otel/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { configError } from '../../helpers/configError.js';
import { flush } from '../../helpers/manualClock.js';
import { fleet, rejection } from '../../router/fixtures.js';
import { sdk } from './sdk.js';

const byName = (spans: ReadableSpan[], name: string): ReadableSpan[] =>
  spans.filter((s) => s.name === name);
const parentId = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

let manager: AsyncLocalStorageContextManager;
beforeAll(() => {
  manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
});
afterAll(() => {
  context.disable();
});

describe('OpenTelemetry tracing with the real SDK', () => {
  it('makes one CLIENT span per run covering its retries, with a child span per attempt', async () => {
    const otel = sdk();
    const { router, coder, reasoner, clock } = fleet();
    instrumentRouter(router, { ...otel.options, providerName: 'vllm' });
    const run = router.run('x', { task: { type: 'code', complexity: 0.4, tokens: 300 } });
    await flush();
    await clock.advance(100);
    coder.failNext(new TypeError('connection reset'));
    await flush();
    await clock.advance(200);
    reasoner.finishNext();
    await run;

    const spans = otel.finished();
    const [root] = byName(spans, 'chat zeta-router');
    expect(root).toBeDefined();
    expect(root!.kind).toBe(SpanKind.CLIENT);
    expect(root!.status.code).toBe(SpanStatusCode.UNSET);
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'vllm',
      'gen_ai.request.model': 'coder-7b',
      'gen_ai.response.model': 'reasoner-14b',
      'zeta.task.type': 'code',
      'zeta.task.complexity': 0.4,
      'zeta.task.tokens_estimate': 300,
      'zeta.decision.strategy': 'adaptive',
      'zeta.decision.binding': 'start',
      'zeta.attempts': 2,
      'zeta.queue_wait_ms': 0,
      'zeta.latency_ms': 200,
      // The call that served it: the reasoner is not a home model of code.
      'zeta.spilled': true,
    });
    expect(root!.attributes['zeta.decision.ranking']).toEqual(
      expect.arrayContaining(['coder-7b', 'reasoner-14b']),
    );
    // Usage is never guessed: without a usage reader it stays unset.
    expect(root!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();

    const [first] = byName(spans, 'chat coder-7b');
    const [second] = byName(spans, 'chat reasoner-14b');
    expect(parentId(first!)).toBe(root!.spanContext().spanId);
    expect(parentId(second!)).toBe(root!.spanContext().spanId);
    expect(first!.attributes).toMatchObject({
      'gen_ai.request.model': 'coder-7b',
      'error.type': 'TypeError',
      'zeta.attempt': 1,
      'zeta.will_retry': true,
    });
    expect(first!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    expect(first!.events.map((e) => e.name)).toEqual(['exception']);
    expect(second!.attributes).toMatchObject({
      'gen_ai.request.model': 'reasoner-14b',
      'gen_ai.response.model': 'reasoner-14b',
      'zeta.attempt': 2,
      'zeta.spilled': true,
    });
    expect(spans).toHaveLength(3);

    const duration = await otel.points('gen_ai.client.operation.duration');
    expect(duration.unit).toBe('s');
    expect(duration.points).toHaveLength(1);
    expect(duration.points[0]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'vllm',
      'gen_ai.request.model': 'coder-7b',
      'gen_ai.response.model': 'reasoner-14b',
    });
    expect(duration.points[0]!.value.count).toBe(1);
    expect(duration.points[0]!.value.sum).toBeCloseTo(0.3, 9);
    // The conventions' advised buckets.
    expect(duration.points[0]!.value.buckets.boundaries.slice(0, 3)).toEqual([0.01, 0.02, 0.04]);
    expect((await otel.points('gen_ai.client.token.usage')).points).toEqual([]);
    await otel.shutdown();
  });

  it('names the live A/B arm on the run span (zeta.experiment), only with experiments', async () => {
    const otel = sdk();
    const { router, coder } = fleet({
      experiments: [{ name: 'trial', strategy: 'least-loaded', share: 0.5 }],
    });
    instrumentRouter(router, otel.options);
    const run = router.run('x', { task: 'code', experiment: 'trial' });
    await flush();
    coder.finishNext();
    await run;
    const [root] = byName(otel.finished(), 'chat zeta-router');
    expect(root!.attributes).toMatchObject({
      'zeta.experiment': 'trial',
      'zeta.decision.strategy': 'least-loaded',
    });
    const plain = sdk();
    const other = fleet();
    instrumentRouter(other.router, plain.options);
    const run2 = other.router.run('y', { task: 'code' });
    await flush();
    other.coder.finishNext();
    await run2;
    const [root2] = byName(plain.finished(), 'chat zeta-router');
    expect(root2!.attributes['zeta.experiment']).toBeUndefined();
  });

  it('ends a rejected run as an error with error.type the ZetaError code, its attempt too', async () => {
    const otel = sdk();
    const { router, coder, clock } = fleet({ timeoutMs: 500 });
    instrumentRouter(router, otel.options);
    const timedOut = rejection(router.run('x', { task: 'code' }));
    await flush();
    await clock.advance(500);
    expect((await timedOut).code).toBe('TIMEOUT');
    expect((await rejection(router.run('y', { task: 'translation' }))).code).toBe(
      'NO_CAPABLE_MODEL',
    );
    coder.finishNext(); // the abandoned call returns late: nothing more is recorded

    const spans = otel.finished();
    const roots = byName(spans, 'chat zeta-router');
    expect(roots.map((s) => [s.attributes['zeta.task.type'], s.attributes['error.type']])).toEqual([
      ['code', 'TIMEOUT'],
      ['translation', 'NO_CAPABLE_MODEL'],
    ]);
    for (const root of roots) expect(root.status.code).toBe(SpanStatusCode.ERROR);
    const [attempt] = byName(spans, 'chat coder-7b');
    expect(attempt!.attributes['error.type']).toBe('TIMEOUT');
    expect(parentId(attempt!)).toBe(roots[0]!.spanContext().spanId);
    expect(spans).toHaveLength(3);
    const duration = await otel.points('gen_ai.client.operation.duration');
    expect(duration.points.map((p) => p.attributes['error.type']).sort()).toEqual([
      'NO_CAPABLE_MODEL',
      'TIMEOUT',
    ]);
    await otel.shutdown();
  });

  it('parents the run span on the caller’s active span, and runs a wrapped call inside its attempt span with usage', async () => {
    const otel = sdk();
    const tracing = createOtelTracing({
      ...otel.options,
      usage: (res) => (res as { usage: TokenUsage }).usage,
    });
    let activeInCall: string | undefined;
    const router = new ZetaDynamicRouter<string, { text: string; usage: object }>({
      models: [
        {
          id: 'embedder-4b',
          tasks: ['embedding'],
          home: ['embedding'],
          call: tracing.wrapCall(async (req) => {
            await new Promise((r) => setImmediate(r));
            activeInCall = trace.getActiveSpan()?.spanContext().spanId;
            return { text: req, usage: { promptTokens: 12, completionTokens: 0 } };
          }),
        },
      ],
    });
    tracing.instrument(router);
    expect(tracing.instrument(router)).toBe(tracing);
    const parent = otel.options.tracer.startSpan('handle request');
    await context.with(trace.setSpan(context.active(), parent), () =>
      router.run('hello', { task: 'embedding' }),
    );
    parent.end();

    const spans = otel.finished();
    const [root] = byName(spans, 'embeddings zeta-router');
    const [attempt] = byName(spans, 'embeddings embedder-4b');
    expect(parentId(root!)).toBe(parent.spanContext().spanId);
    expect(activeInCall).toBe(attempt!.spanContext().spanId);
    expect(attempt!.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 0,
    });
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 0,
    });
    const usage = await otel.points('gen_ai.client.token.usage');
    expect(usage.unit).toBe('{token}');
    expect(usage.points.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum])).toEqual([
      ['input', 12],
      ['output', 0],
    ]);
    await router.close();
    await otel.shutdown();
  });

  it('the usage a model reports to the router sets gen_ai.usage.* and the token histogram, without the usage option', async () => {
    const otel = sdk();
    const router = new ZetaDynamicRouter<string, { text: string; tokens: number[] }>({
      models: [
        {
          id: 'coder-7b',
          tasks: ['code'],
          call: async (req) => ({ text: req, tokens: [40, 9] }),
          usage: (res) => ({ promptTokens: res.tokens[0]!, completionTokens: res.tokens[1]! }),
        },
      ],
    });
    instrumentRouter(router, otel.options);
    await router.run('fizzbuzz', { task: 'code' });
    const spans = otel.finished();
    const [root] = byName(spans, 'chat zeta-router');
    const [attempt] = byName(spans, 'chat coder-7b');
    for (const span of [root!, attempt!]) {
      expect(span.attributes).toMatchObject({
        'gen_ai.usage.input_tokens': 40,
        'gen_ai.usage.output_tokens': 9,
      });
    }
    const usage = await otel.points('gen_ai.client.token.usage');
    expect(usage.points.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum])).toEqual([
      ['input', 40],
      ['output', 9],
    ]);
    await router.close();
    await otel.shutdown();
  });

  it('detaches on close, ending nothing twice; detach() ends open spans as errors', async () => {
    const otel = sdk();
    const a = fleet();
    const tracing = instrumentRouter(a.router, otel.options);
    const open = a.router.run('x', { task: 'code' });
    await flush();
    tracing.detach();
    tracing.detach();
    expect(a.router.listenerCount('dispatch')).toBe(0);
    const spans = otel.finished();
    expect(spans.map((s) => [s.name, s.attributes['error.type']])).toEqual([
      ['chat coder-7b', 'zeta.detached'],
      ['chat zeta-router', 'zeta.detached'],
    ]);
    a.coder.finishNext();
    await open;
    expect(otel.finished()).toHaveLength(2);

    const b = fleet();
    instrumentRouter(b.router, otel.options);
    await b.router.close();
    expect(b.router.listenerCount('decision')).toBe(0);
    await otel.shutdown();
  });

  it('does nothing and never throws without an SDK (the API’s no-op providers)', async () => {
    const { router, coder } = fleet();
    const tracing = instrumentRouter(router);
    const run = router.run('x', { task: 'code' });
    await flush();
    coder.finishNext();
    await run;
    const call = tracing.wrapCall((req: string) => `${req}!`);
    expect(await call('hi', { requestId: 999 } as never)).toBe('hi!');
  });
});

describe('OpenTelemetry options', () => {
  it('lists every problem, unknown keys included', () => {
    const error = configError(() =>
      createOtelTracing({
        tracer: {},
        meter: 1,
        providerName: '',
        operationName: 3,
        usage: 'x',
        trace: true,
      } as never),
    );
    expect(error.problems).toEqual([
      'unknown option `trace` (known: tracer, meter, providerName, operationName, usage)',
      '`tracer` must be an OpenTelemetry Tracer, got an object',
      '`meter` must be an OpenTelemetry Meter, got 1',
      '`providerName` must be a non-empty string, got ""',
      '`operationName` must be a non-empty string or a function of the task profile, got 3',
      '`usage` must be a function of a call\'s result, got "x"',
    ]);
    expect(configError(() => createOtelTracing(null as never)).message).toMatch(
      /options must be an object or undefined, got null/,
    );
  });

  it('refuses a second router, a non-router and a call that is not a function', () => {
    const tracing = createOtelTracing();
    tracing.instrument(fleet().router);
    expect(configError(() => tracing.instrument(fleet().router)).message).toMatch(
      /already traces another router/,
    );
    expect(configError(() => createOtelTracing().instrument({} as never)).message).toMatch(
      /`router` must be a ZetaDynamicRouter/,
    );
    expect(configError(() => tracing.wrapCall(undefined as never)).message).toMatch(
      /wrapCall needs a model call function, got undefined/,
    );
  });

  it('names operations by a string or a function, falling back when the function misbehaves', async () => {
    const otel = sdk();
    const { router, coder } = fleet();
    instrumentRouter(router, {
      ...otel.options,
      operationName: (task) => {
        if (task.type === 'simple') throw new Error('boom');
        return 'text_completion';
      },
    });
    for (const task of ['code', 'simple']) {
      const run = router.run('x', { task });
      await flush();
      coder.finishNext();
      await run;
    }
    expect(otel.finished().map((s) => s.name)).toEqual([
      'text_completion coder-7b',
      'text_completion zeta-router',
      'chat coder-7b',
      'chat zeta-router',
    ]);
    await otel.shutdown();
  });

  it('gives error.type as a ZetaError code, an Error name, or _OTHER', () => {
    expect(errorType(new ZetaError('TIMEOUT', 't'))).toBe('TIMEOUT');
    expect(errorType(new RangeError('r'))).toBe('RangeError');
    expect(errorType('a string')).toBe('_OTHER');
    expect(errorType(null)).toBe('_OTHER');
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(errorType(revoked.proxy)).toBe('_OTHER');
  });
});
