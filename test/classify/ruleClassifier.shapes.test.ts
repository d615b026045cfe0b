import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Classifier } from '../../src/classify/Classifier.js';
import {
  createRuleClassifier,
  defaultOutputTokens,
  type RuleClassifier,
  type RuleClassifierOptions,
} from '../../src/classify/ruleClassifier.js';
import type { TaskProfile } from '../../src/types.js';
import { classify, defaultRules, expectValidProfile } from './ruleClassifier.harness.js';

describe('createRuleClassifier: request shapes', () => {
  const prompt = 'Write a Python function that reverses a linked list.';

  it('reads a plain string', () => {
    expect(classify(prompt)).toMatchObject({ type: 'code', priority: 0 });
  });

  it('reads { prompt: string } and { prompt: string[] } like the plain string', () => {
    expect(classify({ prompt })).toEqual(classify(prompt));
    expect(classify({ prompt: [prompt] })).toEqual(classify(prompt));
  });

  it('counts numeric prompt arrays as token ids', () => {
    const profile = classify({ prompt: [1, 2, 3, 4, 5] });
    expect(profile).toMatchObject({ type: 'simple', tokens: 5 + defaultOutputTokens.simple });
  });

  it('reads chat messages with string content', () => {
    const req = {
      model: 'x',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Prove that there are infinitely many primes.' },
      ],
    };
    expect(classify(req).type).toBe('reasoning');
  });

  it('reads chat content given as text parts and skips other parts', () => {
    const req = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            { type: 'text', text: 'Fix the bug in this function:' },
            { type: 'text', text: '```js\nfunction add(a, b) { return a - b; }\n```' },
          ],
        },
      ],
    };
    expect(classify(req).type).toBe('code');
    const textOnly = '```js\nfunction add(a, b) { return a - b; }\n```';
    expect(
      classify({ messages: [{ role: 'user', content: [{ type: 'text', text: textOnly }] }] }),
    ).toEqual(classify({ messages: [{ role: 'user', content: textOnly }] }));
  });

  it('counts a system string, skips null content and bad messages', () => {
    const req = {
      system: 'Think step by step and prove every claim.',
      messages: [{ role: 'assistant', content: null, tool_calls: [] }, null, 42, { role: 'user' }],
    };
    expect(classify(req).type).toBe('reasoning');
  });

  it('reads { input } as an embedding request, numbers as token ids', () => {
    expect(classify({ input: 'The food was delicious.' })).toMatchObject({
      type: 'embedding',
      tokens: 6,
    });
    expect(classify({ input: ['first text', 'second text'] })).toMatchObject({
      type: 'embedding',
      tokens: 6,
    });
    expect(classify({ input: [101, 2023, 102] })).toMatchObject({ type: 'embedding', tokens: 3 });
    expect(classify({ input: [[1, 2], [3]] })).toMatchObject({ type: 'embedding', tokens: 3 });
  });

  it('does not scan embedding text for cues', () => {
    const text = 'Prove, step by step: ```def f(x): return x```';
    expect(classify({ input: text }).type).toBe('embedding');
  });

  it('gives an empty embedding request at least one token', () => {
    expect(classify({ input: '' })).toMatchObject({ type: 'embedding', tokens: 1 });
    expect(classify({ input: [] })).toMatchObject({ type: 'embedding', tokens: 1 });
  });

  it('reads Responses API input items as chat, not embedding', () => {
    const req = {
      instructions: 'Answer briefly.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Derive the quadratic formula.' }] },
      ],
    };
    expect(classify(req).type).toBe('reasoning');
  });

  it('classifies unknown shapes as simple, sized by their JSON text, without scanning cues', () => {
    const req = { query: 'Prove step by step: ```def f(): pass```' };
    const profile = classify(req);
    const jsonTokens = Math.ceil(JSON.stringify(req).length / 4);
    expect(profile).toMatchObject({
      type: 'simple',
      tokens: jsonTokens + defaultOutputTokens.simple,
    });
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a boolean', true],
    ['a bigint', 10n],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['an array', ['a', 'b']],
    ['a Date', new Date(0)],
    ['a Map', new Map([[1, 2]])],
    ['a null-prototype object', Object.create(null) as unknown],
    ['an object holding a bigint', { n: 1n }],
  ])('never throws for %s', (_name, req) => {
    const profile = classify(req);
    expectValidProfile(profile);
    expect(profile.type).toBe('simple');
  });

  it('never throws for cycles, throwing getters, throwing toJSON and revoked proxies', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cyclicChat: Record<string, unknown> = { messages: [] };
    (cyclicChat.messages as unknown[]).push({ role: 'user', content: 'hi', parent: cyclicChat });
    const getter = {
      get messages(): never {
        throw new Error('boom');
      },
    };
    const toJson = {
      toJSON(): never {
        throw new Error('boom');
      },
    };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const req of [cyclic, cyclicChat, getter, toJson, proxy]) {
      expectValidProfile(classify(req));
    }
    expect(classify(cyclicChat).type).toBe('simple');
  });
});

describe('types', () => {
  it('returns a synchronous classifier that fits Classifier<Req> for any Req', () => {
    expectTypeOf(createRuleClassifier).returns.toEqualTypeOf<RuleClassifier>();
    expectTypeOf(defaultRules).returns.toEqualTypeOf<TaskProfile>();
    expectTypeOf(defaultRules).toExtend<Classifier<unknown>>();
    expectTypeOf(defaultRules).toExtend<Classifier<{ prompt: string }>>();
    expectTypeOf(createRuleClassifier)
      .parameter(0)
      .toEqualTypeOf<RuleClassifierOptions | undefined>();
  });
});
