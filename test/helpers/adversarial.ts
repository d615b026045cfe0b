import fc from 'fast-check';

/**
 * Strings built to make a careless classifier backtrack or loop: long runs of spaces, tabs,
 * newlines and backticks, repeated code and maths keywords, unclosed fences, stack-trace and
 * import line starts, LaTeX and digits, mixed with arbitrary text.
 */
export const adversarialString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ' ',
        '\t',
        '\n',
        '\r\n',
        '`',
        '```',
        '```ts\n',
        'function',
        'function ',
        'def ',
        'class A',
        'import ',
        'from x ',
        '  at ',
        'at f (a.js:1:2)',
        'Traceback (most recent call last)',
        'File "',
        'SELECT ',
        ' FROM',
        'const ',
        '=>',
        ';',
        '{',
        '}',
        '(',
        '1',
        '+',
        '=',
        '$',
        '\\frac',
        'prove ',
        'step by step',
        '\u00a0',
        '\ud83d',
        'é',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .chain((pieces) =>
    fc
      .array(fc.integer({ min: 1, max: 2000 }), {
        minLength: pieces.length,
        maxLength: pieces.length,
      })
      .map((counts) =>
        pieces
          .map((p, i) => p.repeat(Math.max(1, Math.floor(counts[i]! / Math.max(1, p.length)))))
          .join(''),
      ),
  );

/** An object whose every property read throws. */
export const throwingProxy = (): unknown =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('hostile get');
      },
      has() {
        throw new Error('hostile has');
      },
      ownKeys() {
        throw new Error('hostile ownKeys');
      },
    },
  );

/** `{ messages }` whose getter throws, and a message whose `content` getter throws. */
export const throwingGetters = (): unknown[] => [
  Object.defineProperty({}, 'messages', {
    enumerable: true,
    get() {
      throw new Error('hostile messages');
    },
  }),
  {
    messages: [
      Object.defineProperty({ role: 'user' }, 'content', {
        enumerable: true,
        get() {
          throw new Error('hostile content');
        },
      }),
    ],
  },
  Object.defineProperty({}, 'prompt', {
    enumerable: true,
    get() {
      throw new Error('hostile prompt');
    },
  }),
];

/** Every request shape, carrying `text`: string, prompt, chat, Responses input, embedding, odd. */
export function shapes(text: string): unknown[] {
  return [
    text,
    { prompt: text },
    { prompt: [text, text] },
    {
      messages: [
        { role: 'system', content: text },
        { role: 'user', content: text },
      ],
    },
    { messages: [{ role: 'user', content: [{ type: 'text', text }, { type: 'image' }] }] },
    { instructions: text, input: [{ role: 'user', content: text }] },
    { input: text },
    { input: [text, text] },
    { query: text },
    [text],
    { messages: text },
    { prompt: { text } },
  ];
}

/**
 * A request of any shape around an adversarial string, or a hostile object. Made by a thunk, since
 * fast-check itself would trip over a hostile object's throwing traps.
 */
export const adversarialRequest: fc.Arbitrary<() => unknown> = fc.oneof(
  adversarialString.chain((text) =>
    fc.integer({ min: 0, max: shapes('').length - 1 }).map((i) => () => shapes(text)[i]),
  ),
  fc.constant(throwingProxy),
  fc.integer({ min: 0, max: throwingGetters().length - 1 }).map((i) => () => throwingGetters()[i]),
  fc.anything().map((value) => () => value),
);
