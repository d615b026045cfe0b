import type { BuiltInTaskType, TaskProfile } from '../types.js';
import {
  configInvalid,
  describeValue,
  throwIfProblems,
  unknownKeyProblems,
} from '../utils/options.js';
import type { Classifier } from './Classifier.js';
import { fencedChars, readRequestText, scanWindow } from './internal/requestText.js';

/**
 * A cue: text or a pattern that hints at a task type. A string matches as a whole word (or symbol),
 * case-insensitively; a RegExp matches as written (its `g` and `y` flags are dropped so matching
 * keeps no state). Plain cues weigh 1; give a `weight` to make a cue weaker or stronger.
 *
 * A prompt counts as `code` or `reasoning` once the weights of the distinct cues it matches add up
 * to 1 or more.
 *
 * @example
 * const cues: Cue[] = ['terraform', /\bkubectl\s+\w+/, { pattern: 'yaml', weight: 0.5 }];
 */
export type Cue = string | RegExp | WeightedCue;

/** A {@link Cue} with an explicit weight. */
export interface WeightedCue {
  /** The text (whole word, case-insensitive) or pattern to look for. */
  readonly pattern: string | RegExp;
  /** How much one match counts; the type threshold is 1. Must be a finite number > 0. */
  readonly weight: number;
}

/** Expected output tokens per built-in task type, added to the prompt's token estimate. */
export type OutputTokens = Readonly<Record<BuiltInTaskType, number>>;

/**
 * Options of {@link createRuleClassifier}. Every option is validated when the classifier is
 * created; bad values throw one `ZetaError` (`CONFIG_INVALID`) listing every problem.
 */
export interface RuleClassifierOptions {
  /**
   * Code cues, replacing the built-in list. Extend rather than replace with
   * {@link RuleClassifierOptions.extraCodeCues}.
   *
   * @default defaultCodeCues
   * @example
   * createRuleClassifier({ codeCues: [...defaultCodeCues, /\bterraform\b/i] });
   */
  readonly codeCues?: readonly Cue[];
  /**
   * Code cues added to {@link RuleClassifierOptions.codeCues}.
   *
   * @default []
   * @example
   * createRuleClassifier({ extraCodeCues: ['kubectl', 'helm chart'] });
   */
  readonly extraCodeCues?: readonly Cue[];
  /**
   * Reasoning cues, replacing the built-in list.
   *
   * @default defaultReasoningCues
   */
  readonly reasoningCues?: readonly Cue[];
  /**
   * Reasoning cues added to {@link RuleClassifierOptions.reasoningCues}.
   *
   * @default []
   * @example
   * createRuleClassifier({ extraReasoningCues: [{ pattern: 'root cause', weight: 1 }] });
   */
  readonly extraReasoningCues?: readonly Cue[];
  /**
   * Prompt length, in estimated tokens, from which a prompt counts as `reasoning` even without
   * reasoning cues (code cues still win). An integer >= 1, or `Infinity` to turn the rule off.
   *
   * @default 2048
   */
  readonly reasoningMinTokens?: number;
  /**
   * Characters per token used to estimate prompt tokens (`ceil(chars / charsPerToken)`).
   * A finite number > 0; about 4 for English text with GPT-style tokenizers.
   *
   * @default 4
   */
  readonly charsPerToken?: number;
  /**
   * Expected output tokens per task type, added to the prompt estimate. Types left out keep their
   * default. Each a non-negative integer.
   *
   * @default { simple: 256, code: 1024, embedding: 0, reasoning: 2048 }
   * @example
   * createRuleClassifier({ outputTokens: { reasoning: 4096 } });
   */
  readonly outputTokens?: Partial<OutputTokens>;
  /**
   * The `priority` of every profile this classifier returns. A finite number; higher runs first.
   *
   * @default 0
   */
  readonly priority?: number;
  /**
   * Characters scanned for cues. Longer texts are still counted in full, but only their first and
   * last halves of this size are scanned, which keeps a call cheap on huge prompts. An integer >= 1,
   * or `Infinity` to scan everything.
   *
   * @default 16384
   */
  readonly maxScanChars?: number;
  /**
   * Marks requests as `embedding` beyond the `{ input }` shape, e.g. by a field of your own.
   * A predicate that throws counts as `false`.
   *
   * @default undefined (only the `{ input }` shape is an embedding)
   * @example
   * createRuleClassifier({ isEmbedding: (req) => (req as { kind?: string }).kind === 'embed' });
   */
  readonly isEmbedding?: (req: unknown) => boolean;
}

/**
 * A synchronous {@link Classifier}: what {@link createRuleClassifier} returns. Assignable to
 * `Classifier<Req>` for any `Req`.
 */
export type RuleClassifier = (req: unknown) => TaskProfile;

/** The default of {@link RuleClassifierOptions.outputTokens}. */
export const defaultOutputTokens: OutputTokens = Object.freeze({
  simple: 256,
  code: 1024,
  embedding: 0,
  reasoning: 2048,
});

const weak = (pattern: string | RegExp): WeightedCue => ({ pattern, weight: 0.5 });
const strong = (pattern: string | RegExp): WeightedCue => ({ pattern, weight: 2 });

/**
 * The built-in code cues: fences, syntax (imports, function / def / class headers, `#include`, SQL,
 * arrows, `;`/`{`-terminated lines), stack traces, file names, and programming vocabulary. Ambiguous
 * words (`bug`, `code`, `function`, `java`) weigh 0.5, so one of them alone is not enough.
 */
export const defaultCodeCues: readonly Cue[] = Object.freeze([
  strong('```'),
  strong(/#include\s*[<"]/),
  strong(/Traceback \(most recent call last\)|File "[^"\n]+", line \d+/),
  strong(/^\s+at\s+[\w$.<>]+\s*\(?[^\n]*:\d+(?::\d+)?\)?\s*$/m),
  /^\s*(?:import\s+[^\n]*\bfrom\s+['"]|import\s+['"]|import\s+[\w.]+\*?\s*;|(?:from\s+[\w.]+\s+)?import\s+[\w.]+(?:\s+as\s+\w+)?\s*$)/m,
  /\bfunction\s*\*?\s*[\w$]*\s*\([^)\n]*\)\s*\{/,
  /\bdef\s+\w+\s*\(/,
  /\bclass\s+[A-Z]\w*\s*(?:[:({<]|extends\b|implements\b)/,
  /\b(?:const|let|var)\s+[\w$]+\s*=/,
  /\bSELECT\b[\s\S]{1,300}?\bFROM\b|\bselect\s+\*\s+from\b/,
  /\)\s*=>|[\w$]\s*=>\s*[{(\w]/,
  /[;{}]\s*\n[^\n]*[;{}]\s*$/m,
  /(?:Error|Exception):\s/,
  /\w\.(?:ts|tsx|js|jsx|mjs|cjs|py|rs|go|java|kt|c|h|cpp|cc|hpp|cs|rb|php|swift|sql|sh)\b/,
  /\brefactor\w*/i,
  /\bdebug\w*/i,
  'stack trace',
  'segfault',
  'null pointer',
  'syntax error',
  'unit test',
  'regex',
  'typescript',
  'javascript',
  'python',
  'golang',
  'kotlin',
  'c++',
  'c#',
  'sql',
  'npm',
  'pip install',
  'programming',
  weak(/\bcompil(?:e|es|ed|er|ing|ation)\b/i),
  weak(/\bbugs?\b/i),
  weak('code'),
  weak('function'),
  weak('script'),
  weak('implement'),
  weak('algorithm'),
  weak('api'),
  weak('java'),
  weak('rust'),
]);

/**
 * The built-in reasoning cues: proofs, derivations, step-by-step requests, analysis, maths
 * vocabulary, maths symbols, LaTeX and equations. Softer words (`why`, `explain`, `compare`,
 * `calculate`) weigh 0.5, so "why is the sky blue?" stays `simple` but "explain why..." does not.
 */
export const defaultReasoningCues: readonly Cue[] = Object.freeze([
  /\bprov(?:e|es|ed|ing)\b|\bproofs?\b/i,
  /\bstep[-\s]by[-\s]step\b/i,
  /\bderiv(?:e|es|ed|ing|ation|ative|atives)\b/i,
  /\banaly[sz](?:e|es|ed|is|ing)\b/i,
  /\b(?:theorem|lemma|corollary|axiom|integral|eigen\w*|polynomial|logarithm|probability|equation)s?\b/i,
  /\bjustify\b|\bthink (?:carefully|through)\b|\bpuzzle\b|\briddle\b/i,
  /[∫∑∏√∞≤≥≠≈∀∃∂∇±∈⊂⊆∪∩⇒⟹]/,
  /\\(?:frac|sum|int|sqrt|prod|lim|infty|cdot|mathbb|begin\{(?:equation|align))/,
  /(?:\d\s*[-+*/×÷^]\s*\d[\d.]*|[a-z]\s*[-+]\s*\d+)\s*=|[\w)]\^\s*\d/,
  weak('why'),
  weak('explain'),
  weak(/\bcompar(?:e|es|ing|ison)\b/i),
  weak(/\btrade-?offs?\b|\bpros and cons\b/i),
  weak(/\b(?:calculate|compute|solve|evaluate)\b/i),
  weak(/\breason(?:ing)?\b/i),
  weak('how many'),
]);

/**
 * A cue ready to test. Single-word string cues become `word` cues, found with `indexOf` in the
 * lower-cased text: several times cheaper than a case-insensitive RegExp per cue.
 */
type CompiledCue =
  | { readonly kind: 'regexp'; readonly re: RegExp; readonly weight: number }
  | {
      readonly kind: 'word';
      readonly word: string;
      readonly boundedStart: boolean;
      readonly boundedEnd: boolean;
      readonly weight: number;
    };

interface Config {
  readonly codeCues: readonly CompiledCue[];
  readonly reasoningCues: readonly CompiledCue[];
  readonly reasoningMinTokens: number;
  readonly charsPerToken: number;
  readonly outputTokens: OutputTokens;
  readonly priority: number;
  readonly maxScanChars: number;
  readonly isEmbedding: ((req: unknown) => boolean) | undefined;
}

/** Every option key; the `satisfies` keeps it in step with {@link RuleClassifierOptions}. */
const optionKeys = Object.freeze(
  Object.keys({
    codeCues: true,
    extraCodeCues: true,
    reasoningCues: true,
    extraReasoningCues: true,
    reasoningMinTokens: true,
    charsPerToken: true,
    outputTokens: true,
    priority: true,
    maxScanChars: true,
    isEmbedding: true,
  } satisfies Record<keyof RuleClassifierOptions, true>),
);

const builtInTypes: readonly BuiltInTaskType[] = ['simple', 'code', 'embedding', 'reasoning'];

/** Matched cue weight from which a prompt counts as `code` or `reasoning`. */
const CUE_THRESHOLD = 1;
/** Prompt tokens at which the length term of the complexity reaches 1. */
const LENGTH_SATURATION_TOKENS = 8192;
/** Code tokens at which the code-size term of the complexity reaches 1. */
const CODE_SATURATION_TOKENS = 2048;
/** Reasoning cue weight at which the cue term of the complexity reaches 1. */
const CUE_SATURATION = 3;
/** Chat messages at which the turns term of the complexity reaches 1. */
const TURNS_SATURATION = 10;
/** Weights of the complexity terms; they sum to 1. */
const WEIGHT = { length: 0.4, cues: 0.35, turns: 0.1, code: 0.15 } as const;

/** Checks a number option, recording a problem and returning `fallback` when it is bad. */
function numberOption(
  problems: string[],
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  expected: string,
): number {
  if (typeof value === 'number' && !Number.isNaN(value) && ok(value)) return value;
  problems.push(`\`${name}\` must be ${expected}, got ${describeValue(value)}`);
  return 1;
}

function countOption(
  problems: string[],
  name: string,
  value: unknown,
  min: number,
  allowInfinity: boolean,
): number {
  return numberOption(
    problems,
    name,
    value,
    (v) => v >= min && (Number.isInteger(v) || (allowInfinity && v === Number.POSITIVE_INFINITY)),
    `an integer >= ${min}${allowInfinity ? ' or Infinity' : ''}`,
  );
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileCue(problems: string[], name: string, cue: unknown): CompiledCue | undefined {
  let pattern: unknown = cue;
  let weight = 1;
  if (typeof cue === 'object' && cue !== null && !(cue instanceof RegExp)) {
    const { pattern: p, weight: w } = cue as Partial<WeightedCue>;
    weight = numberOption(
      problems,
      `${name}.weight`,
      w,
      (v) => Number.isFinite(v) && v > 0,
      'a finite number > 0',
    );
    pattern = p;
    name = `${name}.pattern`;
  }
  if (pattern instanceof RegExp) {
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return { kind: 'regexp', re, weight };
  }
  if (typeof pattern === 'string' && pattern.trim().length > 0) {
    const text = pattern.trim();
    // Word boundaries only where the cue starts or ends with a word character (`c++`, `#include`).
    const boundedStart = /^\w/.test(text);
    const boundedEnd = /\w$/.test(text);
    if (!/\s/.test(text)) {
      return { kind: 'word', word: text.toLowerCase(), boundedStart, boundedEnd, weight };
    }
    const source = escapeRegExp(text).replace(/\s+/g, '\\s+');
    const re = new RegExp(`${boundedStart ? '\\b' : ''}${source}${boundedEnd ? '\\b' : ''}`, 'i');
    return { kind: 'regexp', re, weight };
  }
  problems.push(
    `\`${name}\` must be a non-empty string, a RegExp or { pattern, weight }, got ${describeValue(pattern)}`,
  );
  return undefined;
}

function compileCues(problems: string[], name: string, value: unknown): CompiledCue[] {
  if (!Array.isArray(value)) {
    problems.push(`\`${name}\` must be an array of cues, got ${describeValue(value)}`);
    return [];
  }
  return value.flatMap((cue, i) => compileCue(problems, `${name}[${i}]`, cue) ?? []);
}

function resolveOutputTokens(problems: string[], value: unknown): OutputTokens {
  const merged: Record<BuiltInTaskType, number> = { ...defaultOutputTokens };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `\`outputTokens\` must be an object keyed by task type, got ${describeValue(value)}`,
    );
    return merged;
  }
  for (const [key, count] of Object.entries(value)) {
    if (!(builtInTypes as readonly string[]).includes(key)) {
      problems.push(
        `\`outputTokens\` keys must be one of ${builtInTypes.join(', ')}, got \`${key}\``,
      );
      continue;
    }
    if (count === undefined) continue;
    merged[key as BuiltInTaskType] = countOption(problems, `outputTokens.${key}`, count, 0, false);
  }
  return Object.freeze(merged);
}

function resolveConfig(options: unknown): Config {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configInvalid('rule classifier options', [
      `options must be an object, got ${describeValue(options)}`,
    ]);
  }
  const problems = unknownKeyProblems(options, optionKeys);
  const o = options as RuleClassifierOptions;
  const charsPerToken = numberOption(
    problems,
    'charsPerToken',
    o.charsPerToken ?? 4,
    (v) => Number.isFinite(v) && v > 0,
    'a finite number > 0',
  );
  const priority = numberOption(
    problems,
    'priority',
    o.priority ?? 0,
    Number.isFinite,
    'a finite number',
  );
  const isEmbedding = o.isEmbedding;
  if (isEmbedding !== undefined && typeof isEmbedding !== 'function') {
    problems.push(`\`isEmbedding\` must be a function, got ${describeValue(isEmbedding)}`);
  }
  const config: Config = {
    codeCues: [
      ...compileCues(problems, 'codeCues', o.codeCues ?? defaultCodeCues),
      ...compileCues(problems, 'extraCodeCues', o.extraCodeCues ?? []),
    ],
    reasoningCues: [
      ...compileCues(problems, 'reasoningCues', o.reasoningCues ?? defaultReasoningCues),
      ...compileCues(problems, 'extraReasoningCues', o.extraReasoningCues ?? []),
    ],
    reasoningMinTokens: countOption(
      problems,
      'reasoningMinTokens',
      o.reasoningMinTokens ?? 2048,
      1,
      true,
    ),
    charsPerToken,
    outputTokens: resolveOutputTokens(problems, o.outputTokens ?? {}),
    priority,
    maxScanChars: countOption(problems, 'maxScanChars', o.maxScanChars ?? 16_384, 1, true),
    isEmbedding: typeof isEmbedding === 'function' ? isEmbedding : undefined,
  };
  throwIfProblems('rule classifier options', problems);
  return config;
}

/** Whether the UTF-16 unit at `i` is a `\w` character (false out of range), as `\b` sees it. */
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 // 0-9 A-Z a-z _
  );
}

function hasWord(lower: string, cue: Extract<CompiledCue, { kind: 'word' }>): boolean {
  for (let i = lower.indexOf(cue.word); i >= 0; i = lower.indexOf(cue.word, i + 1)) {
    const startOk = !cue.boundedStart || !isWordChar(lower, i - 1);
    if (startOk && (!cue.boundedEnd || !isWordChar(lower, i + cue.word.length))) return true;
  }
  return false;
}

/** The scanned text, plus its lower-cased copy made at most once and only if a word cue asks. */
interface ScanText {
  readonly text: string;
  lower: string | undefined;
}

function cueWeight(cues: readonly CompiledCue[], scan: ScanText): number {
  let total = 0;
  for (const cue of cues) {
    let hit: boolean;
    if (cue.kind === 'regexp') hit = cue.re.test(scan.text);
    else {
      scan.lower ??= scan.text.toLowerCase();
      hit = hasWord(scan.lower, cue);
    }
    if (hit) total += cue.weight;
  }
  return total;
}

/** `log(1 + x) / log(1 + saturation)`, capped at 1: early tokens matter more than late ones. */
const logScale = (x: number, saturation: number): number =>
  Math.min(1, Math.log1p(Math.max(0, x)) / Math.log1p(saturation));

/** Clamps to [0, 1], mapping NaN to 0. */
const clamp01 = (x: number): number => (Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x)));

const toTokenCount = (x: number): number =>
  Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, Math.ceil(x)));

function classify(config: Config, req: unknown): TaskProfile {
  const text = readRequestText(req);
  const promptTokens = Math.ceil(text.chars / config.charsPerToken) + text.tokenIds;
  let embedding = text.shape === 'embedding';
  if (!embedding && config.isEmbedding !== undefined) {
    try {
      embedding = config.isEmbedding(req) === true;
    } catch {
      embedding = false;
    }
  }

  let type: BuiltInTaskType = 'simple';
  let reasoning = 0;
  let codeTokens = 0;
  // Unknown shapes are read as JSON, whose keys and punctuation would fake cues: no scan.
  if (!embedding && text.shape !== 'unknown' && text.chars > 0) {
    const window = scanWindow(text.parts, text.chars, config.maxScanChars);
    const scan: ScanText = { text: window, lower: undefined };
    const code = cueWeight(config.codeCues, scan);
    reasoning = cueWeight(config.reasoningCues, scan);
    const isCode = code >= CUE_THRESHOLD;
    const isReasoning = reasoning >= CUE_THRESHOLD || promptTokens >= config.reasoningMinTokens;
    if (isCode && (!isReasoning || code >= reasoning)) type = 'code';
    else if (isReasoning) type = 'reasoning';
    const fenced = fencedChars(window);
    codeTokens = fenced > 0 ? fenced / config.charsPerToken : type === 'code' ? promptTokens : 0;
  } else if (embedding) {
    type = 'embedding';
  }

  const complexity =
    WEIGHT.length * logScale(promptTokens, LENGTH_SATURATION_TOKENS) +
    WEIGHT.cues * Math.min(1, reasoning / CUE_SATURATION) +
    WEIGHT.turns * Math.min(1, (text.turns - 1) / (TURNS_SATURATION - 1)) +
    WEIGHT.code * logScale(codeTokens, CODE_SATURATION_TOKENS);

  return {
    type,
    complexity: clamp01(complexity),
    tokens: toTokenCount(promptTokens + config.outputTokens[type]),
    priority: config.priority,
  };
}

/**
 * Creates the built-in rule classifier: a fast, pure, synchronous {@link Classifier} that reads a
 * request's text and scores it against keyword and pattern cues. It never throws at call time,
 * whatever the request: a request it cannot read is `simple`.
 *
 * **Request shapes**
 * - a plain string, or `{ prompt: string | string[] }`;
 * - `{ messages: [{ role, content }] }` (OpenAI / Anthropic chat), `content` a string or an array of
 *   parts such as `{ type: 'text', text }` (other parts are skipped); a `system` or `instructions`
 *   string counts too;
 * - `{ input: string | string[] | number[] | number[][] }` (embedding requests; numbers are token
 *   ids). An `input` array holding message objects (the Responses API) is read as chat;
 * - anything else is `simple`, its length taken from its JSON text.
 *
 * **Type**, in order: `embedding` for the `input` shape or when
 * {@link RuleClassifierOptions.isEmbedding} says so; `reasoning` when the reasoning cue weight
 * reaches 1 or the prompt has {@link RuleClassifierOptions.reasoningMinTokens} tokens or more;
 * `code` when the code cue weight reaches 1, and wins over `reasoning` when it is at least the
 * reasoning cue weight; else `simple`.
 *
 * **Complexity** (0..1) is a weighted sum of four terms, each in 0..1:
 * - 0.40 × length: `log(1 + promptTokens) / log(1 + 8192)`, capped at 1;
 * - 0.35 × reasoning cues: matched reasoning cue weight / 3, capped at 1;
 * - 0.10 × turns: `(messages - 1) / 9`, capped at 1;
 * - 0.15 × code size: `log(1 + codeTokens) / log(1 + 2048)`, where codeTokens counts the text
 *   inside ``` fences, or the whole prompt for a `code` request without fences.
 *
 * Appending neutral lines (within the scan window) never lowers it.
 *
 * **Tokens**: `ceil(chars / charsPerToken)` plus token ids plus
 * {@link RuleClassifierOptions.outputTokens} for the type; an integer >= 1.
 *
 * Only the first and last {@link RuleClassifierOptions.maxScanChars} / 2 characters are scanned
 * for cues; all of them are counted.
 *
 * @param options - See {@link RuleClassifierOptions}; validated at once.
 * @returns A synchronous classifier.
 * @throws {ZetaError} `CONFIG_INVALID` listing every unknown option and every bad value.
 * @example
 * const classify = createRuleClassifier({ extraCodeCues: ['terraform'], outputTokens: { code: 2048 } });
 * classify({ messages: [{ role: 'user', content: 'Refactor this: ```ts\nlet x = 1;\n```' }] });
 * //=> { type: 'code', complexity: 0.13…, tokens: 2057, priority: 0 }
 */
export function createRuleClassifier(options: RuleClassifierOptions = {}): RuleClassifier {
  const config = resolveConfig(options);
  const fallback: TaskProfile = Object.freeze({
    type: 'simple',
    complexity: 0,
    tokens: toTokenCount(config.outputTokens.simple),
    priority: config.priority,
  });
  return (req: unknown): TaskProfile => {
    try {
      return classify(config, req);
    } catch {
      // Only hostile values (throwing getters, revoked proxies) get here; the router must not fail.
      return fallback;
    }
  };
}

/**
 * The rule classifier with default options: the router's default `classifier`.
 *
 * @example
 * defaultClassifier('Prove that √2 is irrational, step by step.');
 * //=> { type: 'reasoning', complexity: 0.46…, tokens: 2059, priority: 0 }
 */
export const defaultClassifier: RuleClassifier = /* @__PURE__ */ createRuleClassifier();
