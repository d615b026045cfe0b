import type { BuiltInTaskType, TaskProfile } from '../types.js';
import {
  configInvalid,
  describeValue,
  throwIfProblems,
  unknownKeyProblems,
} from '../utils/options.js';
import type { Classifier } from './Classifier.js';
import { type CompiledCue, compileCues, cueWeight, type ScanText } from './internal/cues.js';
import { fencedChars, readRequestText, scanWindow } from './internal/requestText.js';
import { type Cue, defaultCodeCues, defaultReasoningCues } from './ruleCues.js';

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
    const window = scanWindow(text.parts, config.maxScanChars);
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
