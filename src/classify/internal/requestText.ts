/**
 * Reads the text out of the request shapes the rule classifier understands. Not public API: the
 * shapes are documented on `createRuleClassifier`.
 */

/** How a request was read. */
export type RequestShape =
  /** A plain string or `{ prompt: string | string[] }`. */
  | 'prompt'
  /** `{ messages: [...] }`, or `{ input: [...] }` holding message objects (Responses API). */
  | 'chat'
  /** `{ input: string | string[] | number[] | number[][] }`. */
  | 'embedding'
  /** Anything else: read as JSON-ish text. */
  | 'unknown';

/** The text of one request and the few facts about its shape the classifier scores. */
export interface RequestText {
  /** How the request was read. */
  readonly shape: RequestShape;
  /** The text pieces, in order. */
  readonly parts: readonly string[];
  /** Total characters in {@link RequestText.parts}. */
  readonly chars: number;
  /** Tokens given directly as token ids (numeric `input` or `prompt` arrays). */
  readonly tokenIds: number;
  /** Chat messages in the request; 1 for every other shape. */
  readonly turns: number;
}

interface Collector {
  parts: string[];
  chars: number;
  tokenIds: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function pushText(out: Collector, text: string): void {
  if (text.length === 0) return;
  out.parts.push(text);
  out.chars += text.length;
}

/** Strings, token ids, and one level of arrays of either (`string[]`, `number[]`, `number[][]`). */
function collectPlain(out: Collector, value: unknown, depth = 0): void {
  if (typeof value === 'string') pushText(out, value);
  else if (typeof value === 'number') out.tokenIds += 1;
  else if (Array.isArray(value) && depth < 2) {
    for (const item of value) collectPlain(out, item, depth + 1);
  }
}

/** Message content: a string, or parts such as `{ type: 'text', text }`; other parts are skipped. */
function collectContent(out: Collector, content: unknown): void {
  if (typeof content === 'string') pushText(out, content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === 'string') pushText(out, part);
      else if (isObject(part) && typeof part.text === 'string') pushText(out, part.text);
    }
  }
}

function collectMessages(out: Collector, messages: readonly unknown[]): void {
  for (const message of messages) {
    if (isObject(message)) collectContent(out, message.content);
  }
}

const isPlain = (value: unknown): boolean =>
  typeof value === 'string' ||
  (Array.isArray(value) &&
    value.every(
      (item) => typeof item === 'string' || typeof item === 'number' || Array.isArray(item),
    ));

/**
 * `JSON.stringify` that never throws: cycles and shared references print as `"[Circular]"`,
 * bigints as strings, and anything that still fails (a throwing `toJSON`) falls back to `String`,
 * then to `''`.
 */
export function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (isObject(v)) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
    return json ?? '';
  } catch {
    try {
      return String(value);
    } catch {
      return '';
    }
  }
}

/**
 * Reads the text of a request. Never throws for well-behaved values; the classifier still guards
 * the call, since getters and proxies can throw on any property read.
 */
export function readRequestText(req: unknown): RequestText {
  const out: Collector = { parts: [], chars: 0, tokenIds: 0 };
  let shape: RequestShape = 'unknown';
  let turns = 1;
  if (typeof req === 'string') {
    pushText(out, req);
    shape = 'prompt';
  } else if (isObject(req) && !Array.isArray(req)) {
    const { messages, prompt, input } = req;
    if (Array.isArray(messages)) {
      shape = 'chat';
      for (const key of ['system', 'instructions'] as const) collectContent(out, req[key]);
      collectMessages(out, messages);
      turns = messages.length;
    } else if (isPlain(prompt)) {
      shape = 'prompt';
      collectPlain(out, prompt);
    } else if (
      Array.isArray(input) &&
      input.some((item) => isObject(item) && !Array.isArray(item))
    ) {
      // The Responses API sends chat turns as `input` items; embeddings never hold objects.
      shape = 'chat';
      collectContent(out, req.instructions);
      collectMessages(out, input);
      turns = input.length;
    } else if (isPlain(input)) {
      shape = 'embedding';
      collectPlain(out, input);
    }
  }
  if (shape === 'unknown') pushText(out, safeStringify(req));
  return {
    shape,
    parts: out.parts,
    chars: out.chars,
    tokenIds: out.tokenIds,
    turns: Math.max(1, turns),
  };
}

/**
 * The text to scan for cues: all of it when it fits in `maxChars`, else its first and last halves,
 * so the cost of a scan stays flat however long the prompt.
 */
export function scanWindow(parts: readonly string[], chars: number, maxChars: number): string {
  if (chars <= maxChars) return parts.length === 1 ? parts[0]! : parts.join('\n');
  const headBudget = Math.ceil(maxChars / 2);
  const tailBudget = maxChars - headBudget;
  const head: string[] = [];
  let left = headBudget;
  for (let i = 0; i < parts.length && left > 0; i++) {
    const part = parts[i]!;
    head.push(part.length <= left ? part : part.slice(0, left));
    left -= part.length;
  }
  const tail: string[] = [];
  left = tailBudget;
  for (let i = parts.length - 1; i >= 0 && left > 0; i--) {
    const part = parts[i]!;
    tail.push(part.length <= left ? part : part.slice(part.length - left));
    left -= part.length;
  }
  return `${head.join('\n')}\n\n${tail.reverse().join('\n')}`;
}

/** Characters between ``` fences (an unclosed fence runs to the end of the text). */
export function fencedChars(text: string): number {
  let total = 0;
  let from = 0;
  for (;;) {
    const open = text.indexOf('```', from);
    if (open < 0) return total;
    const start = open + 3;
    const close = text.indexOf('```', start);
    if (close < 0) return total + text.length - start;
    total += close - start;
    from = close + 3;
  }
}
