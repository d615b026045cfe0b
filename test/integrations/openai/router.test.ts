// ZetaDynamicRouter over three OpenAI-compatible test servers on loopback, through the real
// `openai` client and openaiModel: spill, overloads, refusals, broken servers, aborts, timeouts.
// Every request settles with a result or a ZetaError, and no capacity is lost.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type OpenAIServer,
  type OpenAIServerOptions,
  startOpenAIServer,
} from '../../../examples/support/openaiServer.js';
import { isModelCallError, type ModelCallError } from '../../../src/errors/ModelCallError.js';
import { isZetaError, type ZetaError } from '../../../src/errors/ZetaError.js';
import { openaiModel } from '../../../src/integrations/openai/index.js';
import type { ZetaRouterOptions } from '../../../src/router/options.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import type { Strategy } from '../../../src/strategy/Strategy.js';
import { until } from '../../helpers/until.js';

const servers: OpenAIServer[] = [];
const routers: ZetaDynamicRouter<never, unknown, never>[] = [];

afterEach(async () => {
  // No capacity lost: every lane is empty, and close() resolves.
  for (const router of routers.splice(0)) {
    const snapshot = router.snapshot();
    expect(snapshot.pending).toBe(0);
    for (const model of snapshot.models) {
      expect(model, model.id).toMatchObject({ inFlight: 0, queued: 0, tokensInFlight: 0 });
    }
    await router.close();
  }
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Ranks the candidates a, then b, then c: which server a failover lands on is known. */
const inOrder: Strategy = {
  name: 'in-order',
  rank: (input) =>
    [...input.candidates]
      .sort((x, y) => x.id.localeCompare(y.id))
      .map((c, i) => ({ id: c.id, score: i, components: {}, reasons: ['in order'] })),
};

/**
 * Three servers `a` (fast, home of 'simple'), `b` and `c` (slower), and a router with one
 * openaiModel per server. It tries a, then b, then c unless `routerOptions` sets a strategy.
 */
async function fleet(
  routerOptions: Pick<
    ZetaRouterOptions,
    'strategy' | 'maxAttempts' | 'abortGraceMs' | 'timeoutMs'
  > = {},
  serverOptions: Partial<OpenAIServerOptions> = {},
  modelOptions: { concurrency?: number; timeoutMs?: number } = {},
) {
  const speeds = [1, 3, 6];
  const [a, b, c] = await Promise.all(
    ['a', 'b', 'c'].map((name, i) =>
      startOpenAIServer({ name, concurrency: 2, msPerToken: speeds[i]!, ...serverOptions }),
    ),
  );
  servers.push(a!, b!, c!);
  const router = new ZetaDynamicRouter({
    models: [a!, b!, c!].map((server, i) =>
      openaiModel({
        id: server.name,
        baseURL: server.baseURL,
        model: `model-${server.name}`,
        tasks: ['simple'],
        home: i === 0 ? ['simple'] : [],
        concurrency: 2,
        latencyPriorMs: 10 * (i + 1),
        ...modelOptions,
      }),
    ),
    strategy: inOrder,
    ...routerOptions,
  });
  routers.push(router as never);
  const hung: string[] = [];
  router.on('hung', (event) => hung.push(event.model));
  const ask = (prompt = 'hi', options: Parameters<typeof router.run>[1] = {}) =>
    router.run(prompt, { task: 'simple', ...options });
  const model = (id: string) => router.snapshot().models.find((m) => m.id === id)!;
  return { a: a!, b: b!, c: c!, router, ask, model, hung };
}

/** The name of the server that answered a completion. */
const servedBy = (completion: { choices: { message: { content: string | null } }[] }) =>
  completion.choices[0]!.message.content!.split(' ')[0];

async function zetaError(promise: Promise<unknown>): Promise<ZetaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isZetaError(error)) throw new Error(`expected a ZetaError, got ${String(error)}`);
  return error;
}

describe('openaiModel behind the router, over real HTTP', () => {
  it('answers with the ChatCompletion, usage included; the model name and request shapes reach the server', async () => {
    const { a, ask, router } = await fleet();
    const completion = await ask('hello');
    expect(servedBy(completion)).toBe('a');
    expect(completion.usage).toMatchObject({ completion_tokens: 4 });
    // The server's usage is the call's real token usage for the router.
    const info = await router.runWithInfo('hello', { task: 'simple' });
    expect(info.usage).toEqual({
      promptTokens: completion.usage!.prompt_tokens,
      completionTokens: 4,
    });
    expect(router.snapshot().models.find((m) => m.id === 'a')!.usage).toEqual({
      promptTokens: 2 * completion.usage!.prompt_tokens,
      completionTokens: 8,
    });
    await router.run({ prompt: 'p', max_tokens: 2 }, { task: 'simple' });
    await router.run(
      { messages: [{ role: 'system', content: 's' }], temperature: 0 },
      { task: 'simple' },
    );
    expect(a.requests.map((r) => r.body)).toEqual([
      { model: 'model-a', messages: [{ role: 'user', content: 'hello' }] },
      { model: 'model-a', messages: [{ role: 'user', content: 'hello' }] },
      { model: 'model-a', messages: [{ role: 'user', content: 'p' }], max_tokens: 2 },
      { model: 'model-a', messages: [{ role: 'system', content: 's' }], temperature: 0 },
    ]);
  });

  it('a burst fills the home server and spills across the other two', async () => {
    const { a, b, c, ask, model } = await fleet({ strategy: 'adaptive' });
    for (const s of [a, b, c]) s.hold();
    const burst = Array.from({ length: 12 }, (_, i) => ask(`q${i}`));
    // Six slots across three servers run at once; the other six wait in the router.
    await until(() => a.running + b.running + c.running === 6);
    expect([a.running, b.running, c.running]).toEqual([2, 2, 2]);
    expect(['a', 'b', 'c'].map((id) => model(id).inFlight)).toEqual([2, 2, 2]);
    for (const s of [a, b, c]) s.release();
    const results = await Promise.all(burst);
    const by = results.map(servedBy);
    expect(a.served + b.served + c.served).toBe(12);
    for (const s of [a, b, c]) {
      expect(by.filter((name) => name === s.name)).toHaveLength(s.served);
      expect(s.served).toBeGreaterThanOrEqual(2);
    }
  });

  it('429 with Retry-After cools the model down for that long; the request goes to another server', async () => {
    const { a, b, ask, model, router } = await fleet();
    a.misbehave({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    expect(servedBy(await ask())).toBe('b');
    const cool = model('a').coolUntil - router.snapshot().at;
    expect(cool).toBeGreaterThan(29_000);
    expect(cool).toBeLessThanOrEqual(30_000);
    expect(model('a')).toMatchObject({ health: 'healthy', errorRate: 0 });
    // While it cools down, a is not tried at all.
    expect(servedBy(await ask())).toBe('b');
    expect(a.requests).toHaveLength(1);
    expect(b.served).toBe(2);
  });

  it('429 with retry-after-ms, and 503 without any: the server’s delay, else the 1 s backoff', async () => {
    const first = await fleet();
    first.a.misbehave({ kind: 'status', status: 429, headers: { 'retry-after-ms': '2500' } });
    expect(servedBy(await first.ask())).toBe('b');
    const cool = first.model('a').coolUntil - first.router.snapshot().at;
    expect(cool).toBeGreaterThan(2000);
    expect(cool).toBeLessThanOrEqual(2500);

    first.b.misbehave({ kind: 'status', status: 503 });
    expect(servedBy(await first.ask())).toBe('c');
    const backoff = first.model('b').coolUntil - first.router.snapshot().at;
    expect(backoff).toBeGreaterThan(500);
    expect(backoff).toBeLessThanOrEqual(1000);
  });

  it('a server whose own queue is full answers 503 with Retry-After: the request goes elsewhere', async () => {
    // The router believes a takes 2 at once; the server runs 1 and queues none.
    const { a, b, ask, model } = await fleet({}, { concurrency: 1, maxQueue: 0, retryAfter: '5' });
    a.hold();
    const first = ask('first');
    await until(() => a.running === 1);
    expect(servedBy(await ask('second'))).toBe('b');
    expect(a.requests.map((r) => r.outcome)).toEqual(['open', 'full']);
    expect(model('a').coolUntil).toBeGreaterThan(0);
    a.release();
    expect(servedBy(await first)).toBe('a');
    expect(b.served).toBe(1);
  });

  it('every capable server overloaded: CAPACITY_EXCEEDED with the earliest retry-after', async () => {
    const { a, b, c, ask } = await fleet();
    a.misbehave({ kind: 'status', status: 429, headers: { 'retry-after': '9' } });
    b.misbehave({ kind: 'status', status: 503, headers: { 'retry-after': '4' } });
    c.misbehave({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const error = await zetaError(ask());
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.limits['retryAfterMs']).toBeGreaterThan(3000);
    expect(error.limits['retryAfterMs']).toBeLessThanOrEqual(4000);
  });

  it('400 → REQUEST_REJECTED at once: not retried, the model not blamed', async () => {
    const { a, b, c, ask, model } = await fleet();
    a.misbehave({ kind: 'status', status: 400 });
    const error = await zetaError(ask());
    expect(error.code).toBe('REQUEST_REJECTED');
    expect(error.message).toMatch(/a refused the request itself: .*a answered HTTP 400/);
    expect((error.cause as ModelCallError).status).toBe(400);
    expect(b.requests.length + c.requests.length).toBe(0);
    expect(model('a')).toMatchObject({ health: 'healthy', errorRate: 0 });
  });

  it('a request the adapter cannot send is refused without an HTTP call', async () => {
    const { a, router } = await fleet();
    const error = await zetaError(
      router.run({ messages: [], stream: true } as never, { task: 'simple' }),
    );
    expect(error.code).toBe('REQUEST_REJECTED');
    expect(error.message).toMatch(/stream: true/);
    expect(a.requests).toHaveLength(0);
  });

  it('a server killed mid-request (socket destroyed): the request fails over', async () => {
    const { a, ask, model } = await fleet();
    a.misbehave({ kind: 'destroy' });
    expect(servedBy(await ask())).toBe('b');
    expect(model('a').errorRate).toBeGreaterThan(0);
  });

  it('killed mid-request with no retry left: MODEL_FAILED naming the connection failure', async () => {
    const { a, ask } = await fleet({ maxAttempts: 1 });
    a.misbehave({ kind: 'destroy' });
    const error = await zetaError(ask());
    expect(error.code).toBe('MODEL_FAILED');
    expect(isModelCallError(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ kind: 'unavailable' });
    expect((error.cause as Error).message).toMatch(/^a could not be reached/);
  });

  it('malformed JSON: a clear MODEL_FAILED, or a failover when a retry is left', async () => {
    const once = await fleet({ maxAttempts: 1 });
    once.a.misbehave({ kind: 'malformed-json' });
    const error = await zetaError(once.ask());
    expect(error.code).toBe('MODEL_FAILED');
    expect((error.cause as Error).message).toMatch(
      /^a answered with a body that is not valid JSON/,
    );

    once.a.misbehave({ kind: 'malformed-json' });
    const retried = new ZetaDynamicRouter({
      models: [once.a, once.b].map((s, i) =>
        openaiModel({
          id: s.name,
          baseURL: s.baseURL,
          model: 'm',
          tasks: ['simple'],
          home: i === 0 ? ['simple'] : [],
        }),
      ),
      strategy: inOrder,
    });
    routers.push(retried as never);
    expect(servedBy(await retried.run('x', { task: 'simple' }))).toBe('b');
  });

  it('an abort from the caller closes the HTTP request and frees the slot at once', async () => {
    const { a, ask, model, hung } = await fleet({ abortGraceMs: 10_000 });
    a.misbehave({ kind: 'hang' });
    const controller = new AbortController();
    const pending = ask('wait', { signal: controller.signal });
    await until(() => a.running === 1);
    expect(model('a').inFlight).toBe(1);
    const started = Date.now();
    controller.abort();
    expect((await zetaError(pending)).code).toBe('ABORTED');
    await until(() => a.clientClosed === 1 && model('a').inFlight === 0, 2000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(a.running).toBe(0);
    expect(hung).toEqual([]);
  });

  it('a hung server with a request timeoutMs: TIMEOUT, and the slot is freed well within abortGraceMs', async () => {
    const { a, ask, model, hung } = await fleet({ abortGraceMs: 5000 });
    a.misbehave({ kind: 'hang' });
    const started = Date.now();
    const error = await zetaError(ask('wait', { timeoutMs: 150 }));
    expect(error.code).toBe('TIMEOUT');
    await until(() => a.clientClosed === 1 && model('a').inFlight === 0, 2000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hung).toEqual([]);
  });

  it("the adapter's own timeoutMs: a hung server is unavailable and the request fails over", async () => {
    const { a, ask } = await fleet({}, {}, { timeoutMs: 150 });
    a.misbehave({ kind: 'hang' });
    expect(servedBy(await ask())).toBe('b');
    await until(() => a.clientClosed === 1);
  });

  it('a server that is not there: connection refused is unavailable and the request fails over', async () => {
    const { a, ask, model } = await fleet();
    await a.close();
    expect(servedBy(await ask())).toBe('b');
    expect(model('a').errorRate).toBeGreaterThan(0);
  });

  it('embeddings: { input } through kind "embedding", vectors decoded to numbers', async () => {
    const server = await startOpenAIServer({ name: 'e', dimensions: 3 });
    servers.push(server);
    const router = new ZetaDynamicRouter({
      models: [
        openaiModel({
          id: 'embedder',
          kind: 'embedding',
          baseURL: server.baseURL,
          model: 'bge',
          tasks: ['embedding'],
        }),
      ],
    });
    routers.push(router as never);
    const info = await router.runWithInfo({ input: ['one', 'two'] });
    const response = info.result;
    expect(info.usage).toEqual({ promptTokens: response.usage.prompt_tokens, completionTokens: 0 });
    expect(response.data.map((d) => d.embedding)).toEqual([
      [1, 0.5, expect.closeTo(1 / 3, 5)],
      [2, 1, expect.closeTo(2 / 3, 5)],
    ]);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    expect(server.requests[0]!.body).toMatchObject({ model: 'bge', input: ['one', 'two'] });
  });

  it('a storm of mixed failures: every request settles with a result or a ZetaError', async () => {
    const { a, b, c, ask } = await fleet({ strategy: 'adaptive', timeoutMs: 400 });
    a.misbehave(
      { kind: 'destroy' },
      { kind: 'status', status: 429, headers: { 'retry-after-ms': '50' } },
      { kind: 'malformed-json' },
      { kind: 'status', status: 500 },
    );
    b.misbehave({ kind: 'status', status: 503 }, { kind: 'hang' }, { kind: 'status', status: 413 });
    c.misbehave({ kind: 'destroy' }, { kind: 'status', status: 502 });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        ask(`s${i}`).then(
          (completion) => servedBy(completion)!,
          (error: unknown) =>
            isZetaError(error) ? error.code : `not a ZetaError: ${String(error)}`,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.startsWith('not a ZetaError'))).toEqual([]);
    expect(outcomes.filter((o) => ['a', 'b', 'c'].includes(o)).length).toBeGreaterThan(15);
  });
});
