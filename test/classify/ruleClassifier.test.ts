import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Classifier } from '../../src/classify/Classifier.js';
import {
  createRuleClassifier,
  defaultOutputTokens,
  type RuleClassifier,
  type RuleClassifierOptions,
} from '../../src/classify/ruleClassifier.js';
import { defaultCodeCues, defaultReasoningCues } from '../../src/classify/ruleCues.js';
import type { TaskProfile } from '../../src/types.js';
import { adversarialRequest, shapes } from '../helpers/adversarial.js';
import { configError } from '../helpers/configError.js';

const defaultRules = createRuleClassifier();
const classify = defaultRules;
const typeOf = (req: unknown, c: RuleClassifier = classify): string => c(req).type;

function expectValidProfile(profile: TaskProfile): void {
  expect(typeof profile.type).toBe('string');
  expect(Number.isFinite(profile.complexity)).toBe(true);
  expect(profile.complexity).toBeGreaterThanOrEqual(0);
  expect(profile.complexity).toBeLessThanOrEqual(1);
  expect(Number.isSafeInteger(profile.tokens)).toBe(true);
  expect(profile.tokens).toBeGreaterThanOrEqual(1);
  expect(Number.isFinite(profile.priority)).toBe(true);
}

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

describe('createRuleClassifier: task types', () => {
  it.each([
    'Write a TypeScript function that debounces another function.',
    '```python\nfor i in range(10):\n    print(i)\n```\nWhy does this print 0 to 9?',
    'def parse(line):\n    return line.split(",")\n\nHow can I make this faster?',
    'import numpy as np\nx = np.zeros(3)',
    "import { useState } from 'react';\nexplain this line",
    '#include <stdio.h>\nint main(void) { return 0; }',
    'SELECT name, email FROM users WHERE active = 1 ORDER BY name;',
    'const total = items.reduce((sum, item) => sum + item.price, 0);',
    'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\nNameError: name \'main\' is not defined',
    "TypeError: Cannot read properties of undefined (reading 'map')\n    at render (/app/src/List.tsx:12:18)",
    'Refactor src/router/router.ts to remove the duplicated retry logic.',
    'My build fails: the compiler says the type is not assignable. How do I fix this bug?',
    'class UserService extends BaseService {}\nAdd a method that loads a user by id.',
  ])('code: %s', (prompt) => {
    expect(typeOf(prompt)).toBe('code');
  });

  it.each([
    'Prove that the square root of 2 is irrational.',
    'Explain step by step how to find the shortest path in a weighted graph.',
    'Derive the closed form of the sum 1 + 2 + ... + n.',
    'Solve for x: 3x + 7 = 22',
    'Compute ∫ x² dx from 0 to 1 and justify each step.',
    'Analyze the trade-offs between raising interest rates and cutting spending.',
    'Explain why the Monty Hall strategy of switching doors wins two thirds of the time.',
    'Given $f(x) = \\frac{1}{x}$, what is its derivative?',
    'A bat and a ball cost $1.10 in total. How many cents does the ball cost? Think carefully.',
  ])('reasoning: %s', (prompt) => {
    expect(typeOf(prompt)).toBe('reasoning');
  });

  it.each([
    'Hi!',
    'What is the capital of France?',
    'Translate "good morning" into Spanish.',
    'Why is the sky blue?',
    'Write a short, friendly birthday message for my sister.',
    'Compile a list of five good restaurants in Paris.',
    'Summarise this paragraph in one sentence: The meeting moved to Tuesday.',
  ])('simple: %s', (prompt) => {
    expect(typeOf(prompt)).toBe('simple');
  });

  it('picks code when code cues outweigh reasoning cues, reasoning otherwise', () => {
    expect(typeOf('Prove this terminates:\n```ts\nwhile (n > 1) n = n / 2;\n```')).toBe('code');
    expect(
      typeOf('Prove step by step, deriving each lemma, why this algorithm is correct: sort(xs).'),
    ).toBe('reasoning');
  });

  it('treats prompts of reasoningMinTokens tokens or more as reasoning, unless they are code', () => {
    const c = createRuleClassifier({ reasoningMinTokens: 100 });
    expect(typeOf('lorem ipsum '.repeat(30), c)).toBe('simple'); // 360 chars = 90 tokens
    expect(typeOf('lorem ipsum '.repeat(34), c)).toBe('reasoning'); // 408 chars = 102 tokens
    expect(typeOf(`Refactor:\n\`\`\`\n${'let x = 1;\n'.repeat(50)}\`\`\``, c)).toBe('code');
    const off = createRuleClassifier({ reasoningMinTokens: Number.POSITIVE_INFINITY });
    expect(typeOf('lorem ipsum '.repeat(10_000), off)).toBe('simple');
  });
});

describe('createRuleClassifier: complexity', () => {
  const complexity = (req: unknown, c: RuleClassifier = classify): number => c(req).complexity;

  it('grows with length', () => {
    const values = [1, 10, 100, 1000, 5000].map((n) => complexity('lorem ipsum '.repeat(n)));
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    expect(values[0]!).toBeLessThan(0.1);
  });

  it('grows with reasoning cues', () => {
    const plain = complexity('Tell me about the number seven.');
    const cued = complexity('Prove, step by step, a theorem about the number seven.');
    expect(cued).toBeGreaterThan(plain + 0.2);
  });

  it('grows with the number of turns', () => {
    const turn = (i: number) => ({ role: i % 2 ? 'assistant' : 'user', content: 'ok' });
    const one = complexity({ messages: [turn(0)] });
    const ten = complexity({ messages: Array.from({ length: 10 }, (_, i) => turn(i)) });
    // Nine more 'ok' turns add a little length too; the turn term adds 0.1.
    expect(ten).toBeGreaterThan(one + 0.1);
  });

  it('grows with the size of fenced code', () => {
    const small = complexity('Review:\n```\nx = 1\n```');
    const large = complexity(`Review:\n\`\`\`\n${'x = 1\n'.repeat(400)}\`\`\``);
    expect(large).toBeGreaterThan(small);
  });

  it('stays in [0, 1] at the extremes', () => {
    const huge = {
      messages: Array.from({ length: 100 }, () => ({
        role: 'user',
        content: `Prove step by step, derive, analyze, justify ∑ ∫: \`\`\`${'x'.repeat(50_000)}\`\`\``,
      })),
    };
    const value = complexity(huge);
    expect(value).toBeLessThanOrEqual(1);
    expect(value).toBeGreaterThan(0.9);
    expect(complexity('')).toBe(0);
  });

  it('never decreases when neutral lines are appended (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 400 }), (s, k) => {
        const padded = `${s}\n${'lorem '.repeat(k)}`;
        expect(complexity(padded)).toBeGreaterThanOrEqual(complexity(s) - 1e-12);
      }),
    );
  });
});

describe('createRuleClassifier: tokens', () => {
  it('is ceil(chars / 4) plus the output allowance of the type', () => {
    expect(classify('abcde').tokens).toBe(2 + 256);
    expect(classify('Prove that 1 + 1 = 2.').tokens).toBe(6 + 2048);
    expect(classify('Fix this TypeScript bug').tokens).toBe(6 + 1024);
    expect(classify('').tokens).toBe(256);
  });

  it('follows charsPerToken and outputTokens', () => {
    const c = createRuleClassifier({
      charsPerToken: 2,
      outputTokens: { simple: 0, reasoning: 10 },
    });
    expect(c('abcde').tokens).toBe(3);
    expect(c('').tokens).toBe(1);
    expect(c('Prove that 1 + 1 = 2.').tokens).toBe(11 + 10);
    expect(c('Fix this TypeScript bug').tokens).toBe(12 + defaultOutputTokens.code);
  });

  it('counts every character of a prompt longer than the scan window', () => {
    const c = createRuleClassifier({
      maxScanChars: 100,
      outputTokens: { simple: 0, reasoning: 0 },
    });
    expect(c('a'.repeat(100_000)).tokens).toBe(25_000);
  });
});

describe('createRuleClassifier: options', () => {
  it('stamps the priority option on every profile', () => {
    expect(createRuleClassifier({ priority: 5 })('hi').priority).toBe(5);
    expect(createRuleClassifier({ priority: -1 })({ input: 'x' }).priority).toBe(-1);
  });

  it('marks requests as embedding with isEmbedding; a throwing predicate counts as false', () => {
    const c = createRuleClassifier({
      isEmbedding: (req) => (req as { kind?: string }).kind === 'embed',
    });
    expect(c({ kind: 'embed', prompt: 'Prove it step by step' })).toMatchObject({
      type: 'embedding',
      tokens: 6,
    });
    expect(c({ kind: 'chat', prompt: 'Prove it step by step' }).type).toBe('reasoning');
    const throwing = createRuleClassifier({
      isEmbedding: () => {
        throw new Error('boom');
      },
    });
    expect(throwing('hello').type).toBe('simple');
  });

  it('adds extra code cues as whole words, case-insensitively', () => {
    const c = createRuleClassifier({ extraCodeCues: ['terraform'] });
    expect(typeOf('Write a Terraform module for an S3 bucket', c)).toBe('code');
    expect(typeOf('Write a terraformed landscape poem', c)).toBe('simple');
    expect(typeOf('Write a Terraform module for an S3 bucket')).toBe('simple');
  });

  it('matches symbol-edged and multi-word string cues', () => {
    const c = createRuleClassifier({
      codeCues: ['c++', 'hot reload'],
      reasoningCues: [],
    });
    expect(typeOf('Is C++ hard?', c)).toBe('code');
    expect(typeOf('Does hot\n  reload work?', c)).toBe('code');
    expect(typeOf('abc++', c)).toBe('simple');
  });

  it('replaces the built-in cues with codeCues and reasoningCues', () => {
    const c = createRuleClassifier({ codeCues: [/\bkubectl\b/], reasoningCues: ['ponder'] });
    expect(typeOf('```js\nconst x = 1;\n```', c)).toBe('simple');
    expect(typeOf('kubectl get pods', c)).toBe('code');
    expect(typeOf('Prove that 2 is prime', c)).toBe('simple');
    expect(typeOf('Ponder the meaning of life', c)).toBe('reasoning');
  });

  it('weighs cues: two half-weight cues make a type, one does not', () => {
    const c = createRuleClassifier({
      extraReasoningCues: [
        { pattern: 'root cause', weight: 0.5 },
        { pattern: /\bincident\b/i, weight: 0.5 },
      ],
    });
    expect(typeOf('Find the root cause.', c)).toBe('simple');
    expect(typeOf('Find the root cause of the incident.', c)).toBe('reasoning');
  });

  it('drops g and y flags so a RegExp cue gives the same answer on every call', () => {
    const c = createRuleClassifier({ codeCues: [/kubectl/gy, /helm/g], reasoningCues: [] });
    for (let i = 0; i < 3; i++) {
      expect(typeOf('helm install x', c)).toBe('code');
      expect(typeOf('kubectl apply', c)).toBe('code');
    }
  });

  it('scans only the head and tail of a prompt longer than maxScanChars', () => {
    const c = createRuleClassifier({ maxScanChars: 1000, reasoningMinTokens: 1e9 });
    const filler = 'lorem ipsum '.repeat(1000);
    expect(typeOf(`${filler} Prove it step by step. ${filler}`, c)).toBe('simple');
    expect(typeOf(`${filler} Prove it step by step.`, c)).toBe('reasoning');
    expect(typeOf(`Prove it step by step. ${filler}`, c)).toBe('reasoning');
    expect(
      typeOf(
        {
          messages: [
            { role: 'user', content: 'Prove it step by step.' },
            { role: 'user', content: filler },
          ],
        },
        c,
      ),
    ).toBe('reasoning');
  });

  it('does not let the caller mutate the defaults', () => {
    expect(Object.isFrozen(defaultCodeCues)).toBe(true);
    expect(Object.isFrozen(defaultReasoningCues)).toBe(true);
    expect(Object.isFrozen(defaultOutputTokens)).toBe(true);
  });
});

describe('createRuleClassifier: option validation', () => {
  const cases: [string, unknown, RegExp][] = [
    ['options null', null, /options must be an object, got null/],
    ['options array', [], /options must be an object, got an array of 0/],
    ['unknown key', { charPerToken: 4 }, /unknown option `charPerToken`/],
    [
      'charsPerToken string',
      { charsPerToken: '4' },
      /`charsPerToken` must be a finite number > 0, got "4"/,
    ],
    [
      'charsPerToken NaN',
      { charsPerToken: Number.NaN },
      /`charsPerToken` must be a finite number > 0, got NaN/,
    ],
    ['charsPerToken 0', { charsPerToken: 0 }, /`charsPerToken` must be a finite number > 0, got 0/],
    [
      'charsPerToken Infinity',
      { charsPerToken: Number.POSITIVE_INFINITY },
      /`charsPerToken`.*got Infinity/,
    ],
    [
      'reasoningMinTokens 0',
      { reasoningMinTokens: 0 },
      /`reasoningMinTokens` must be an integer >= 1 or Infinity, got 0/,
    ],
    ['reasoningMinTokens 1.5', { reasoningMinTokens: 1.5 }, /`reasoningMinTokens`.*got 1.5/],
    [
      'maxScanChars -1',
      { maxScanChars: -1 },
      /`maxScanChars` must be an integer >= 1 or Infinity, got -1/,
    ],
    [
      'priority Infinity',
      { priority: Number.POSITIVE_INFINITY },
      /`priority` must be a finite number, got Infinity/,
    ],
    ['priority string', { priority: 'high' }, /`priority` must be a finite number, got "high"/],
    [
      'outputTokens array',
      { outputTokens: [] },
      /`outputTokens` must be an object keyed by task type, got an array of 0/,
    ],
    [
      'outputTokens unknown type',
      { outputTokens: { chat: 10 } },
      /`outputTokens` keys must be one of simple, code, embedding, reasoning, got `chat`/,
    ],
    [
      'outputTokens negative',
      { outputTokens: { code: -1 } },
      /`outputTokens.code` must be an integer >= 0, got -1/,
    ],
    ['outputTokens fraction', { outputTokens: { simple: 0.5 } }, /`outputTokens.simple`.*got 0.5/],
    [
      'codeCues not array',
      { codeCues: 'function' },
      /`codeCues` must be an array of cues, got "function"/,
    ],
    [
      'extraCodeCues empty string',
      { extraCodeCues: ['ok', '  '] },
      /`extraCodeCues\[1\]` must be a non-empty string, a RegExp or \{ pattern, weight \}, got " {2}"/,
    ],
    ['reasoningCues number', { reasoningCues: [3] }, /`reasoningCues\[0\]`.*got 3/],
    [
      'cue weight 0',
      { extraReasoningCues: [{ pattern: 'x', weight: 0 }] },
      /`extraReasoningCues\[0\].weight` must be a finite number > 0, got 0/,
    ],
    [
      'cue weight missing',
      { extraReasoningCues: [{ pattern: 'x' }] },
      /`extraReasoningCues\[0\].weight` must be a finite number > 0, got undefined/,
    ],
    [
      'cue pattern missing',
      { extraCodeCues: [{ weight: 1 }] },
      /`extraCodeCues\[0\].pattern` must be a non-empty string/,
    ],
    [
      'isEmbedding not function',
      { isEmbedding: true },
      /`isEmbedding` must be a function, got true/,
    ],
  ];

  it.each(cases)('%s', (_name, options, message) => {
    const error = configError(() => createRuleClassifier(options as RuleClassifierOptions));
    expect(error.message).toMatch(/^Invalid rule classifier options:/);
    expect(error.message).toMatch(message);
  });

  it('lists every problem at once', () => {
    const error = configError(() =>
      createRuleClassifier({
        charsPerToken: 0,
        codeCues: 'x',
        extraCodeCues: [''],
        outputTokens: { code: -1 },
        colour: 'red',
      } as unknown as RuleClassifierOptions),
    );
    expect(error.problems).toHaveLength(5);
  });

  it('accepts explicit undefined for optional options', () => {
    const options = { charsPerToken: undefined, outputTokens: { code: undefined } };
    expect(() => createRuleClassifier(options as unknown as RuleClassifierOptions)).not.toThrow();
  });
});

describe('createRuleClassifier: properties', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  });
  const content = fc.oneof(
    fc.string(),
    fc.array(fc.oneof(fc.record({ type: fc.constant('text'), text: fc.string() }), anything)),
    anything,
  );
  const shaped = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.record({ prompt: fc.oneof(fc.string(), fc.array(fc.string()), anything) }),
    fc.record({
      messages: fc.array(fc.oneof(fc.record({ role: fc.string(), content }), anything)),
    }),
    fc.record({
      input: fc.oneof(fc.string(), fc.array(fc.string()), fc.array(fc.nat()), anything),
    }),
  );

  it('returns a valid TaskProfile for any input and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anything, shaped), (req) => {
        expectValidProfile(classify(req));
      }),
      { numRuns: 500 },
    );
  });

  it('returns a valid TaskProfile for any input under any valid options', () => {
    const options = fc.record(
      {
        charsPerToken: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        reasoningMinTokens: fc.oneof(fc.integer({ min: 1 }), fc.constant(Number.POSITIVE_INFINITY)),
        maxScanChars: fc.integer({ min: 1, max: 100_000 }),
        priority: fc.double({ noNaN: true, noDefaultInfinity: true }),
        outputTokens: fc.record(
          { simple: fc.nat(), code: fc.nat(), embedding: fc.nat(), reasoning: fc.nat() },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(options, fc.oneof(anything, shaped), (o, req) => {
        expectValidProfile(createRuleClassifier(o)(req));
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same request gives the same profile', () => {
    fc.assert(
      fc.property(shaped, (req) => {
        expect(classify(req)).toEqual(classify(req));
      }),
    );
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

describe('createRuleClassifier: adversarial input', () => {
  const rules = createRuleClassifier();

  it('returns a valid profile for adversarial strings at every request shape (property)', () => {
    fc.assert(
      fc.property(adversarialRequest, (makeRequest) => {
        expectValidProfile(rules(makeRequest()));
      }),
      { numRuns: 300 },
    );
  });

  it('answers at once on the inputs that made the old patterns backtrack', () => {
    // Before the cues were bounded, each of these took from 0.2 s to over 2 s.
    for (const text of [
      `${'function '.repeat(10)}${' '.repeat(2000)}${'function'.repeat(200)}`,
      '\n'.repeat(16_000),
      ' \n'.repeat(8000),
    ]) {
      for (const req of shapes(text)) expectValidProfile(rules(req));
    }
  });
});
