import { describe, expect, it } from 'vitest';
import {
  createRuleClassifier,
  defaultOutputTokens,
  type RuleClassifierOptions,
} from '../../src/classify/ruleClassifier.js';
import { defaultCodeCues, defaultReasoningCues } from '../../src/classify/ruleCues.js';
import { configError } from '../helpers/configError.js';
import { typeOf } from './ruleClassifier.harness.js';

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
