/**
 * Reads the text out of the request shapes the classifiers understand. Not public API: the shapes
 * are documented on `createRuleClassifier` and `createLearnedClassifier`.
 *
 * Every function here does bounded work whatever the request's size: arrays longer than
 * {@link MAX_ITEMS} are read at their head and tail and the middle is extrapolated, and unknown
 * shapes are measured by a walk of at most {@link MAX_NODES} values. A 10 MB request costs what
 * a 100 KB one does.
 */

/** How a request was read. */
export type RequestShape =
  /** A plain string or `{ prompt: string | string[] }`. */
  | 'prompt'
  /** `{ messages: [...] }`, or `{ input: [...] }` holding message objects (Responses API). */
  | 'chat'
  /** `{ input: string | string[] | number[] | number[][] }`. */
  | 'embedding'
  /** Anything else: only its (JSON) size is estimated. */
  | 'unknown';

/** The text of one request and the few facts about its shape the classifiers score. */
export interface RequestText {
  /** How the request was read. */
  readonly shape: RequestShape;
  /** The text pieces read, in order (for long arrays, those of the head and tail items). */
  readonly parts: readonly string[];
  /**
   * Total characters of the request's text: exact when every item was read, else the characters
   * read plus the middle items extrapolated from the mean of those read. For unknown shapes, the
   * length of its JSON text (estimated for large values).
   */
  readonly chars: number;
  /** Tokens given directly as token ids (numeric `input` or `prompt` arrays). */
  readonly tokenIds: number;
  /** Chat messages in the request; 1 for every other shape. */
  readonly turns: number;
}

/** Items read per array: the first and last half of this many. */
export const MAX_ITEMS = 512;
/** Values visited when sizing an unknown shape. */
export const MAX_NODES = 2048;

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

/**
 * Calls `visit` on the items of `array`, all of them when there are at most {@link MAX_ITEMS},
 * else the first and last halves; then scales what those items added to `out` (characters and
 * token ids) up to the whole array.
 */
function forBoundedItems(
  out: Collector,
  array: readonly unknown[],
  visit: (item: unknown) => void,
): void {
  const n = array.length;
  if (n <= MAX_ITEMS) {
    for (let i = 0; i < n; i++) visit(array[i]);
    return;
  }
  const chars = out.chars;
  const tokenIds = out.tokenIds;
  const half = MAX_ITEMS / 2;
  for (let i = 0; i < half; i++) visit(array[i]);
  for (let i = n - half; i < n; i++) visit(array[i]);
  const scale = (n - MAX_ITEMS) / MAX_ITEMS;
  out.chars += Math.round((out.chars - chars) * scale);
  out.tokenIds += Math.round((out.tokenIds - tokenIds) * scale);
}

/** Strings, token ids, and one level of arrays of either (`string[]`, `number[]`, `number[][]`). */
function collectPlain(out: Collector, value: unknown, depth = 0): void {
  if (typeof value === 'string') pushText(out, value);
  else if (typeof value === 'number') out.tokenIds += 1;
  else if (Array.isArray(value) && depth < 2) {
    forBoundedItems(out, value, (item) => collectPlain(out, item, depth + 1));
  }
}

/** Message content: a string, or parts such as `{ type: 'text', text }`; other parts are skipped. */
function collectContent(out: Collector, content: unknown): void {
  if (typeof content === 'string') pushText(out, content);
  else if (Array.isArray(content)) {
    forBoundedItems(out, content, (part) => {
      if (typeof part === 'string') pushText(out, part);
      else if (isObject(part) && typeof part.text === 'string') pushText(out, part.text);
    });
  }
}

function collectMessages(out: Collector, messages: readonly unknown[]): void {
  forBoundedItems(out, messages, (message) => {
    if (isObject(message)) collectContent(out, message.content);
  });
}

/** Whether every item of `array` read by {@link forBoundedItems} passes `test`. */
function boundedEvery(array: readonly unknown[], test: (item: unknown) => boolean): boolean {
  const n = array.length;
  const half = MAX_ITEMS / 2;
  for (let i = 0; i < n; i = i === half - 1 && n > MAX_ITEMS ? n - half : i + 1) {
    if (!test(array[i])) return false;
  }
  return true;
}

const isPlain = (value: unknown): boolean =>
  typeof value === 'string' ||
  (Array.isArray(value) &&
    boundedEvery(
      value,
      (item) => typeof item === 'string' || typeof item === 'number' || Array.isArray(item),
    ));

/**
 * `JSON.stringify` that never throws: cycles and shared references print as `"[Circular]"`,
 * bigints as strings, and anything that still fails (a throwing `toJSON`) falls back to `String`,
 * then to `''`. Unbounded: call it only on values {@link jsonChars} found small.
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
 * The length of a value's JSON text. Exact (through {@link safeStringify}) for values of at most
 * {@link MAX_NODES} nodes and 64 K string characters; above that, estimated by a bounded walk that
 * reads at most {@link MAX_NODES} values and extrapolates the rest.
 */
export function jsonChars(value: unknown): number {
  const budget = { nodes: MAX_NODES, chars: 65_536, exceeded: false };
  const estimate = estimateJson(value, budget, 0);
  return budget.exceeded ? estimate : safeStringify(value).length;
}

interface Budget {
  nodes: number;
  chars: number;
  exceeded: boolean;
}

function estimateJson(value: unknown, budget: Budget, depth: number): number {
  budget.nodes -= 1;
  if (budget.nodes < 0 || depth > 64) {
    budget.exceeded = true;
    return 4;
  }
  if (typeof value === 'string') {
    budget.chars -= value.length;
    if (budget.chars < 0) budget.exceeded = true;
    return value.length + 2;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value).length;
  }
  if (!isObject(value)) return 4;
  if (Array.isArray(value)) {
    const n = value.length;
    const read = Math.min(n, MAX_ITEMS);
    let total = 0;
    let i = 0;
    for (; i < read && budget.nodes > 0; i++)
      total += estimateJson(value[i], budget, depth + 1) + 1;
    if (i < n) budget.exceeded = true;
    return i === 0 ? 2 + n : 1 + Math.round((total * n) / i);
  }
  let total = 2;
  let keys = 0;
  for (const key in value) {
    if (budget.nodes <= 0) {
      budget.exceeded = true;
      break;
    }
    keys += 1;
    total += key.length + 4 + estimateJson(value[key], budget, depth + 1);
  }
  return keys === 0 ? 2 : total - 1;
}

/**
 * Reads the text of a request. Never throws for well-behaved values; the classifiers still guard
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
      !boundedEvery(input, (item) => !isObject(item) || Array.isArray(item))
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
  if (shape === 'unknown') out.chars = jsonChars(req);
  return {
    shape,
    parts: out.parts,
    chars: out.chars,
    tokenIds: out.tokenIds,
    turns: Math.max(1, turns),
  };
}

/**
 * The text to scan: all of it when it fits in `maxChars`, else its first `headChars` (by default
 * half of `maxChars`) and the rest of the budget from its end, joined by a blank line: at most
 * `maxChars + 2` characters, so the cost of a scan stays flat however long the prompt.
 */
export function scanWindow(
  parts: readonly string[],
  maxChars: number,
  headChars = Math.ceil(maxChars / 2),
): string {
  let total = 0;
  for (const part of parts) total += part.length;
  if (total <= maxChars) {
    return parts.length === 1 ? parts[0]! : parts.join('\n');
  }
  const tailBudget = maxChars - headChars;
  const head: string[] = [];
  let left = headChars;
  for (let i = 0; i < parts.length && left > 0; i++) {
    const part = parts[i]!;
    head.push(part.length <= left ? part : part.slice(0, left));
    left -= part.length + 1; // the joining newline counts too
  }
  const tail: string[] = [];
  left = tailBudget;
  for (let i = parts.length - 1; i >= 0 && left > 0; i--) {
    const part = parts[i]!;
    tail.push(part.length <= left ? part : part.slice(part.length - left));
    left -= part.length + 1;
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
