import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Classifier } from '../../src/classify/Classifier.js';
import {
  classifierFromModel,
  createLearnedClassifier,
  defaultClassifier,
  type LabelledExample,
  type LearnedClassifier,
} from '../../src/classify/learnedClassifier.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import type { TaskProfile } from '../../src/types.js';
import { adversarialRequest, shapes } from '../helpers/adversarial.js';
import { configError } from '../helpers/configError.js';

function expectValidProfile(profile: TaskProfile): void {
  expect(typeof profile.type).toBe('string');
  expect(Number.isFinite(profile.complexity)).toBe(true);
  expect(profile.complexity).toBeGreaterThanOrEqual(0);
  expect(profile.complexity).toBeLessThanOrEqual(1);
  expect(Number.isSafeInteger(profile.tokens)).toBe(true);
  expect(profile.tokens).toBeGreaterThanOrEqual(1);
  expect(Number.isFinite(profile.priority)).toBe(true);
}

describe('defaultClassifier', () => {
  it.each([
    ['Write a binary search in Go', 'code'],
    ['How do I reverse a list in Python?', 'code'],
    ['find all files larger than 10MB in the current directory', 'code'],
    ['Write a function to find the longest common prefix of a list of strings.', 'code'],
    ['A farmer has 12 cows and buys 7 more. How many cows does he have now?', 'reasoning'],
    ['Let G be a finite group. Prove that the order of every element divides |G|.', 'reasoning'],
    ['What is the capital of France?', 'simple'],
    ['Write a short poem about autumn', 'simple'],
    ['Give me three tips for staying healthy.', 'simple'],
  ])('%s -> %s', (prompt, type) => {
    expect(defaultClassifier(prompt).type).toBe(type);
  });

  it('reads every request shape; { input } is embedding; fences and stack traces are code', () => {
    const prompt = 'Write a binary search in Go';
    expect(defaultClassifier({ prompt }).type).toBe('code');
    expect(defaultClassifier({ messages: [{ role: 'user', content: prompt }] }).type).toBe('code');
    expect(defaultClassifier({ input: prompt })).toMatchObject({ type: 'embedding', tokens: 7 });
    expect(defaultClassifier({ input: [1, 2, 3] })).toMatchObject({ type: 'embedding', tokens: 3 });
    expect(defaultClassifier('Thanks!\n```\nhello\n```').type).toBe('code');
    expect(
      defaultClassifier('It fails:\n    at render (/app/src/List.tsx:12:18)\nwhat now?').type,
    ).toBe('code');
    expect(defaultClassifier({ query: 'Prove it' })).toMatchObject({ type: 'simple' });
  });

  it('gives competition maths a higher complexity than a grade-school word problem', () => {
    const easy = defaultClassifier(
      'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?',
    );
    const hard = defaultClassifier(
      'What is the sum of all positive integers $n$ such that $n^2 - 19n + 99$ is a perfect square?',
    );
    expect(easy.type).toBe('reasoning');
    expect(hard.type).toBe('reasoning');
    expect(hard.complexity).toBeGreaterThan(easy.complexity + 0.2);
  });

  it('estimates tokens as ceil(chars / 4) plus the output allowance of the type', () => {
    expect(defaultClassifier('Write a binary search in Go').tokens).toBe(7 + 1024);
    expect(defaultClassifier('What is the capital of France?').tokens).toBe(8 + 256);
  });

  it('returns a valid profile for adversarial strings at every request shape (property)', () => {
    fc.assert(
      fc.property(adversarialRequest, (makeRequest) => {
        expectValidProfile(defaultClassifier(makeRequest()));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a 10 MB prompt at every shape', () => {
    const huge = `${'function '.repeat(1_200_000)}\n\`\`\``;
    for (const req of shapes(huge)) expectValidProfile(defaultClassifier(req));
    expect(defaultClassifier(huge).tokens).toBeGreaterThan(huge.length / 4);
  });

  it('is deterministic (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(defaultClassifier(text)).toEqual(defaultClassifier(text));
      }),
    );
  });
});

describe('the README fleet', () => {
  it("sends 'Write a binary search in Go' to the coder", async () => {
    const call = (id: string) => async () => id;
    const router = new ZetaDynamicRouter<unknown, string>({
      models: [
        {
          id: 'coder-7b',
          call: call('coder-7b'),
          tasks: ['simple', 'code', 'reasoning'],
          home: ['code', 'simple'],
          maxComplexity: 0.7,
          concurrency: 8,
          maxTokens: 32_000,
          maxQueue: 32,
        },
        {
          id: 'embedder-4b',
          call: call('embedder-4b'),
          tasks: ['embedding', 'simple'],
          home: ['embedding'],
          concurrency: 16,
        },
        {
          id: 'reasoner-14b',
          call: call('reasoner-14b'),
          tasks: ['simple', 'code', 'reasoning'],
          home: ['reasoning'],
          concurrency: 4,
        },
      ],
    });
    const info = await router.runWithInfo('Write a binary search in Go');
    expect(info.task.type).toBe('code');
    expect(info.model).toBe('coder-7b');
    await router.close();
  });
});

const custom: LabelledExample[] = [
  ...['hello', 'good morning', 'thank you', 'see you later', 'where is the station', 'I love cats']
    .flatMap((t) => [`Translate "${t}" into French`, `How do you say "${t}" in German?`])
    .map((request) => ({ request, label: 'translation' })),
  ...['customers', 'orders', 'invoices', 'products', 'users', 'payments']
    .flatMap((t) => [`List all ${t} created last week`, `Count the ${t} per country`])
    .map((request) => ({ request, label: 'sql' })),
  ...['a poem about rain', 'a story about a dragon', 'a haiku about tea', 'a limerick about a cat']
    .flatMap((t) => [`Write ${t}`, `Compose ${t} for my daughter`])
    .map((request) => ({ request, label: 'creative', complexity: 0.2 })),
];

describe('createLearnedClassifier', () => {
  it("learns the app's own labels", () => {
    const classify = createLearnedClassifier({ examples: custom });
    expect(classify.labels).toEqual(['translation', 'sql', 'creative']);
    expect(classify('Translate "good evening" into Italian').type).toBe('translation');
    expect(classify('Count the refunds per country').type).toBe('sql');
    expect(classify('Write a sonnet about the sea').type).toBe('creative');
    expect(classify({ input: 'embed me' }).type).toBe('embedding');
    const report = classify.evaluate(custom);
    expect(report.accuracy).toBe(1);
    expect(report.labels).toEqual(['translation', 'sql', 'creative']);
    expect(report.perLabel.sql).toEqual({ precision: 1, recall: 1, support: 12 });
    expect(report.confusion).toEqual([
      [12, 0, 0],
      [0, 12, 0],
      [0, 0, 8],
    ]);
  });

  it('starts from the built-in weights with base: builtin, keeping its labels', () => {
    const classify = createLearnedClassifier({ examples: custom, base: 'builtin' });
    expect(classify.labels).toEqual([
      'translation',
      'sql',
      'creative',
      'code',
      'reasoning',
      'simple',
    ]);
    expect(classify('Write a binary search in Go').type).toBe('code');
    expect(classify('Translate "good evening" into Italian').type).toBe('translation');
    const plain = createLearnedClassifier({ base: 'builtin', outputTokens: { code: 10 } });
    expect(plain('Write a binary search in Go')).toMatchObject({ type: 'code', tokens: 17 });
  });

  it('gives the same answers for the same examples and seed, others for another seed', () => {
    const probes = ['Write a limerick', 'Translate "yes"', 'Count the users', 'hello world'];
    const answers = (seed: number) => {
      const classify = createLearnedClassifier({ examples: custom, seed, featureBits: 10 });
      return probes.map((p) => classify(p));
    };
    expect(answers(7)).toEqual(answers(7));
    expect(answers(7)).not.toEqual(answers(8));
  });

  it('reports the complexity AUC of examples with complexity targets', () => {
    const classify = createLearnedClassifier({ examples: custom });
    const report = classify.evaluate([
      { request: 'Prove the Riemann hypothesis for all zeros', label: 'creative', complexity: 0.9 },
      { request: 'hi', label: 'creative', complexity: 0.1 },
    ]);
    expect(report.complexityAuc).toBe(1);
    expect(Number.isNaN(classify.evaluate(custom.slice(0, 2)).complexityAuc)).toBe(true);
  });

  it('rejects bad options and examples, listing every problem', () => {
    const error = configError(() =>
      createLearnedClassifier({
        examples: [
          { request: 'x', label: '' },
          { request: 'y', label: 'a', complexity: 2 },
        ],
        epochs: 0,
        learningRate: -1,
        l2: 1,
        featureBits: 40,
        base: 'other' as 'none',
        charsPerToken: 0,
        outputTokens: { code: -1 },
        priority: Number.NaN,
        isEmbedding: 1 as unknown as () => boolean,
        extra: true,
      } as never),
    );
    for (const text of [
      'unknown option `extra`',
      '`examples[0].label`',
      '`examples[1].complexity`',
      '`epochs`',
      '`learningRate`',
      '`l2`',
      '`featureBits`',
      '`base`',
      '`charsPerToken`',
      '`outputTokens.code`',
      '`priority`',
      '`isEmbedding`',
    ]) {
      expect(error.message).toContain(text);
    }
    expect(configError(() => createLearnedClassifier()).message).toContain('at least two labels');
    expect(configError(() => createLearnedClassifier(null as never)).message).toContain('object');
    expect(
      configError(() => createLearnedClassifier({ base: 'builtin', featureBits: 12 })).message,
    ).toContain('featureBits');
    expect(
      configError(() =>
        createLearnedClassifier({
          examples: [
            { request: 'x', label: 'embedding' },
            { request: 'y', label: 'b' },
          ],
        }),
      ).message,
    ).toContain("other than 'embedding'");
    const classify = createLearnedClassifier({ examples: custom });
    expect(configError(() => classify.evaluate('x' as never)).message).toContain('examples');
  });

  it('returns a synchronous classifier that fits Classifier<Req>', () => {
    expectTypeOf(createLearnedClassifier).returns.toEqualTypeOf<LearnedClassifier>();
    expectTypeOf(defaultClassifier).toExtend<Classifier<unknown>>();
    expectTypeOf(defaultClassifier).toExtend<Classifier<{ prompt: string }>>();
    expectTypeOf(classifierFromModel).returns.toEqualTypeOf<LearnedClassifier>();
  });
});
