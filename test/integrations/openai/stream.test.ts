// router.stream() through openaiModel and the real openai client over SSE on loopback (#11).
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../../../examples/support/openaiServer.js';
import { openaiModel } from '../../../src/integrations/openai/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { until } from '../../helpers/until.js';

const servers: OpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function twoServers() {
  const a = await startOpenAIServer({ name: 'a', outputTokens: 6, msPerToken: 1 });
  const b = await startOpenAIServer({ name: 'b', outputTokens: 6, msPerToken: 1 });
  servers.push(a, b);
  const router = new ZetaDynamicRouter({
    models: [
      openaiModel({ id: 'a', baseURL: a.baseURL, model: 'm', tasks: ['simple'], home: ['simple'] }),
      openaiModel({ id: 'b', baseURL: b.baseURL, model: 'm', tasks: ['simple'] }),
    ],
    strategy: 'static',
  });
  return { a, b, router };
}

describe('streaming through openaiModel', () => {
  it('streams the chunks with a usage chunk last, and reports the time to the first one', async () => {
    const { router } = await twoServers();
    const firsts: string[] = [];
    router.on('firstToken', (e) => firsts.push(e.model));
    const usages: unknown[] = [];
    router.on('usage', (e) => usages.push(e.usage));
    const chunks = [];
    for await (const chunk of router.stream({ prompt: 'hello' }, { task: 'simple' }))
      chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text.startsWith('a')).toBe(true);
    const last = chunks.at(-1)?.usage;
    expect(last?.completion_tokens).toBe(6);
    expect(firsts).toEqual(['a']);
    // The usage chunk reaches the router (stream_options.include_usage) when the stream ends.
    await until(() => usages.length > 0);
    const usage = { promptTokens: last!.prompt_tokens, completionTokens: 6 };
    expect(usages).toEqual([usage]);
    expect(router.snapshot().models.find((m) => m.id === 'a')!.usage).toEqual(usage);
    await router.close();
  });

  it('fails over before the first chunk when a server is overloaded', async () => {
    const { a, router } = await twoServers();
    a.misbehave({ kind: 'status', status: 503 });
    const chunks = [];
    for await (const chunk of router.stream({ prompt: 'hi' }, { task: 'simple' }))
      chunks.push(chunk);
    expect(
      chunks
        .map((c) => c.choices[0]?.delta?.content ?? '')
        .join('')
        .startsWith('b'),
    ).toBe(true);
    expect(router.snapshot().models[0]!.coolUntil).toBeGreaterThan(0);
    await router.close();
  });

  it('breaking out of the loop closes the HTTP stream and frees the slot at once', async () => {
    const slow = await startOpenAIServer({ name: 'slow', outputTokens: 1000, msPerToken: 5 });
    servers.push(slow);
    const router = new ZetaDynamicRouter({
      models: [openaiModel({ id: 'slow', baseURL: slow.baseURL, model: 'm', tasks: ['simple'] })],
    });
    let n = 0;
    for await (const _chunk of router.stream({ prompt: 'long' }, { task: 'simple' })) {
      if (++n === 3) break;
    }
    expect(router.snapshot().models[0]!.inFlight).toBe(0);
    await until(() => slow.clientClosed === 1);
    await router.close();
  });

  it('a stream cut in the middle ends the iteration with MODEL_FAILED', async () => {
    const { a, router } = await twoServers();
    a.misbehave({ kind: 'cut-stream', afterChunks: 2 });
    const error = await (async () => {
      try {
        for await (const _ of router.stream({ prompt: 'x' }, { task: 'simple' })) {
          // read on
        }
      } catch (e) {
        return e as { code?: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('MODEL_FAILED');
    expect(router.snapshot().models[0]!.inFlight).toBe(0);
    await router.close();
  });
});
