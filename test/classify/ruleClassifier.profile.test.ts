import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRuleClassifier,
  defaultOutputTokens,
  type RuleClassifier,
} from '../../src/classify/ruleClassifier.js';
import { classify, typeOf } from './ruleClassifier.harness.js';

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
