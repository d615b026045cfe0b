// openaiModel's options: checked at once, every problem listed, unknown keys rejected.
import { OpenAI } from 'openai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type OpenAIChatRequest,
  type OpenAIEmbeddingRequest,
  openaiModel,
} from '../../../src/integrations/openai/index.js';
import type { ModelConfig } from '../../../src/router/options.js';
import { configError } from '../../helpers/configError.js';

const base = { id: 'm', baseURL: 'http://127.0.0.1:1/v1', model: 'qwen', tasks: ['simple'] };

describe('openaiModel options', () => {
  it('returns a ModelConfig carrying the routing fields, typed by kind', () => {
    const chat = openaiModel({ ...base, home: ['simple'], concurrency: 4, maxQueue: 2, cost: 3 });
    expect(chat).toMatchObject({ id: 'm', tasks: ['simple'], home: ['simple'], concurrency: 4 });
    expect(typeof chat.call).toBe('function');
    expectTypeOf(chat).toMatchTypeOf<ModelConfig<OpenAIChatRequest, OpenAI.ChatCompletion>>();
    expect(typeof chat.stream).toBe('function');
    const embed = openaiModel({ ...base, kind: 'embedding', tasks: ['embedding'] });
    expectTypeOf(embed).toEqualTypeOf<
      ModelConfig<OpenAIEmbeddingRequest, OpenAI.CreateEmbeddingResponse>
    >();
    const own = openaiModel({
      id: 'own',
      client: new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:1/v1' }),
      model: 'gpt',
      tasks: ['simple'],
    });
    expect(own.id).toBe('own');
  });

  it('lists every problem at once: routing fields as the router checks them, and its own', () => {
    const error = configError(() =>
      openaiModel({
        id: '',
        tasks: [],
        concurrency: 0,
        model: '',
        kind: 'speech',
        timeoutMs: -1,
        baseURL: 'not a url',
        params: { model: 'x', temperature: 0 },
        maxtokens: 3,
      } as never),
    );
    expect(error.message).toMatch(/^Invalid openaiModel options:/);
    expect(error.problems).toEqual([
      'unknown option `maxtokens` (did you mean `maxTokens`?) (known: id, tasks, home, maxComplexity, concurrency, maxTokens, maxQueue, cost, rateLimit, latencyPriorMs, probe, client, baseURL, apiKey, model, timeoutMs, kind, params)',
      'options.id must be a non-empty string, got ""',
      "options.tasks must be a non-empty array of task type strings, e.g. ['simple', 'code'], got an array of 0",
      'options.concurrency must be an integer >= 1, got 0',
      "`kind` must be 'chat' or 'embedding', got \"speech\"",
      '`baseURL` must be an absolute URL string, got "not a url"',
      '`model` must be the server\'s model name (a non-empty string), got ""',
      '`timeoutMs` must be an integer from 1 to 2147483647, got -1',
      '`params.model` cannot be set: use `model`',
    ]);
  });

  it('needs exactly one of client and baseURL; apiKey only with baseURL', () => {
    const { baseURL: _, ...noUrl } = base;
    expect(configError(() => openaiModel(noUrl as never)).problems).toEqual([
      "give `client` (an `openai` client) or `baseURL` (e.g. 'http://127.0.0.1:8000/v1')",
    ]);
    const client = new OpenAI({ apiKey: 'k' });
    expect(configError(() => openaiModel({ ...base, client })).problems).toEqual([
      'give either `client` or `baseURL`, not both',
    ]);
    expect(
      configError(() => openaiModel({ ...noUrl, client, apiKey: 'k' } as never)).problems,
    ).toEqual(['`apiKey` goes with `baseURL`; with `client`, set the key on the client']);
    expect(
      configError(() => openaiModel({ ...noUrl, client: { chat: {} } } as never)).problems,
    ).toEqual([
      '`client` must be an `openai` client (new OpenAI({ ... })) with chat.completions.create, got an object',
    ]);
    expect(configError(() => openaiModel({ ...base, apiKey: '' })).problems).toEqual([
      '`apiKey` must be a non-empty string, got ""',
    ]);
  });

  it('rejects options that are not an object, and params that are not one', () => {
    expect(configError(() => openaiModel(undefined as never)).problems[0]).toMatch(
      /^options must be an object/,
    );
    expect(configError(() => openaiModel({ ...base, params: [] as never })).problems).toEqual([
      '`params` must be an object of request parameters, got an array of 0',
    ]);
    expect(
      configError(() => openaiModel({ ...base, params: { stream: true } as never })).problems,
    ).toEqual(['`params.stream` cannot be set: it belongs to each request']);
  });
});
