import { throwIfProblems } from '../../utils/options.js';
import { seededRandom } from '../../utils/random.js';
import {
  callbackProblems,
  isNum,
  isRecord,
  MAX_TIME_MS,
  MAX_TOKENS,
  mustBe,
  optionsProblems,
  seedProblems,
} from '../internal/check.js';
import type { SimRequest } from '../types.js';
import { MAX_COMPRESS, MIN_COMPRESS } from './azureRequests.js';
import { assertText, numbered } from './internal/reader.js';
import { TraceError } from './TraceError.js';

/** The Mooncake (Kimi) conversation trace as requests. */

/**
 * Prompt-token threshold of {@link readMooncakeTrace}: rows with more prompt tokens than this are
 * `reasoning`, the others `simple`. 32,768 sits near the 93rd percentile of the trace (median
 * prompt 6,909 tokens), so the long-document turns, about one in fifteen, count as reasoning.
 */
export const MOONCAKE_REASONING_PROMPT_TOKENS = 32_768;

/** Width of the trace's arrival slots: its timestamps are rounded to 3-second slots. */
export const MOONCAKE_SLOT_MS = 3000;

/** Tokens mapping to complexity 0 in {@link mooncakeComplexity} (2^10). */
const COMPLEXITY_MIN_TOKENS = 1024;
/** Doublings from complexity 0 to 1 in {@link mooncakeComplexity} (1,024 → 131,072 tokens). */
const COMPLEXITY_DOUBLINGS = 7;

/**
 * Complexity from tokens on a log scale for the Mooncake trace: `(log2(tokens) − 10) / 7` clamped
 * to [0, 1], i.e. 1,024 tokens or fewer → 0, 11,585 → 0.5, 30,000 → 0.7, 131,072 → 1. The Azure
 * scale ({@link azureComplexity}) moved four doublings up: a Kimi turn carries its conversation
 * history in its prompt, so its size says less about how hard it is. On this trace the median
 * request (7,255 tokens) is 0.40, 65% of requests are at most 0.5 and 92% at most 0.7.
 *
 * @param tokens - Prompt plus generated tokens.
 */
export function mooncakeComplexity(tokens: number): number {
  if (!(tokens > COMPLEXITY_MIN_TOKENS)) return 0;
  return Math.min(1, Math.log2(tokens / COMPLEXITY_MIN_TOKENS) / COMPLEXITY_DOUBLINGS);
}

/** One row of the Mooncake trace, as read. */
export interface MooncakeTraceRow {
  /** Arrival in milliseconds from the start of the trace (rounded to its 3-second slot). */
  readonly timestamp: number;
  /** Prompt tokens. */
  readonly inputLength: number;
  /** Generated tokens. */
  readonly outputLength: number;
  /** Number of 512-token prompt blocks (`hash_ids`); shared blocks are not modelled. */
  readonly blocks: number;
  /** The 1-based line of the row. */
  readonly line: number;
}

/** Options of {@link readMooncakeTrace}. */
export interface ReadMooncakeTraceOptions {
  /** Arrival times are divided by this factor, from 0.001 to 1,000,000. @default 1 */
  readonly compress?: number;
  /**
   * Rows with more prompt tokens than this are `reasoning`, the rest `simple`. A finite number >= 0.
   * @default MOONCAKE_REASONING_PROMPT_TOKENS (32,768)
   */
  readonly reasoningPromptTokens?: number;
  /**
   * Width of the arrival slots in milliseconds: each request is moved to a uniform random time
   * in `[timestamp, timestamp + slotMs)` (seeded by `seed`), so a slot's requests do not all
   * arrive at once. 0 keeps the timestamps as they are. A finite number >= 0.
   * @default MOONCAKE_SLOT_MS (3,000)
   */
  readonly slotMs?: number;
  /** Seed of the spread inside slots (a safe integer). @default 1 */
  readonly seed?: number;
  /** Complexity of a row, in [0, 1]. @default mooncakeComplexity(inputLength + outputLength) */
  readonly complexity?: (row: MooncakeTraceRow) => number;
  /** Priority of every request (finite). @default 0 */
  readonly priority?: number;
  /** Keep only the first `limit` rows (in file order): an integer >= 0 or Infinity. @default Infinity */
  readonly limit?: number;
}

const KEYS = [
  'compress',
  'reasoningPromptTokens',
  'slotMs',
  'seed',
  'complexity',
  'priority',
  'limit',
] as const satisfies ReadonlyArray<keyof ReadMooncakeTraceOptions>;

const FIELDS = new Set(['timestamp', 'input_length', 'output_length', 'hash_ids']);

const show = (x: unknown): string =>
  x === undefined ? 'nothing' : (JSON.stringify(x) ?? String(x)).slice(0, 60);

function optionProblems(options: unknown): string[] {
  const problems = optionsProblems(options, KEYS, { optional: true });
  if (!isRecord(options)) return problems;
  const { compress, reasoningPromptTokens, slotMs, seed, complexity, priority, limit } = options;
  if (
    compress !== undefined &&
    !(isNum(compress) && compress >= MIN_COMPRESS && compress <= MAX_COMPRESS)
  )
    problems.push(mustBe('compress', `a number from ${MIN_COMPRESS} to ${MAX_COMPRESS}`, compress));
  if (
    reasoningPromptTokens !== undefined &&
    !(isNum(reasoningPromptTokens) && reasoningPromptTokens >= 0)
  )
    problems.push(mustBe('reasoningPromptTokens', 'a finite number >= 0', reasoningPromptTokens));
  if (slotMs !== undefined && !(isNum(slotMs) && slotMs >= 0))
    problems.push(mustBe('slotMs', 'a finite number >= 0 (milliseconds)', slotMs));
  if (seed !== undefined) problems.push(...seedProblems(seed));
  problems.push(...callbackProblems(complexity, 'complexity'));
  if (priority !== undefined && !isNum(priority))
    problems.push(mustBe('priority', 'a finite number', priority));
  if (
    limit !== undefined &&
    !((Number.isInteger(limit) && (limit as number) >= 0) || limit === Number.POSITIVE_INFINITY)
  )
    problems.push(mustBe('limit', 'an integer >= 0 or Infinity', limit));
  return problems;
}

function count(line: number, field: string, value: unknown, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max)
    throw new TraceError(line, field, `must be an integer from 0 to ${max}, got ${show(value)}`);
  return value as number;
}

/** Parses the rows of a Mooncake trace (up to `limit` of them). */
function parseRows(text: string, limit: number): MooncakeTraceRow[] {
  const rows: MooncakeTraceRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && rows.length < limit; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new TraceError(line, undefined, `is not valid JSON (${(error as Error).message})`);
    }
    if (!isRecord(value))
      throw new TraceError(line, undefined, `must be a JSON object, got ${show(value)}`);
    for (const key of Object.keys(value))
      if (!FIELDS.has(key))
        throw new TraceError(
          line,
          key,
          'is unknown (expected timestamp, input_length, output_length, hash_ids)',
        );
    const timestamp = value['timestamp'];
    if (!isNum(timestamp) || timestamp < 0 || timestamp > MAX_TIME_MS)
      throw new TraceError(
        line,
        'timestamp',
        `must be a number from 0 to ${MAX_TIME_MS} (milliseconds), got ${show(timestamp)}`,
      );
    const inputLength = count(line, 'input_length', value['input_length'], MAX_TOKENS);
    const outputLength = count(
      line,
      'output_length',
      value['output_length'],
      MAX_TOKENS - inputLength,
    );
    const hashIds = value['hash_ids'];
    if (hashIds !== undefined && !Array.isArray(hashIds))
      throw new TraceError(line, 'hash_ids', `must be an array of block ids, got ${show(hashIds)}`);
    rows.push({ timestamp, inputLength, outputLength, blocks: hashIds?.length ?? 0, line });
  }
  return rows;
}

/**
 * Reads the Mooncake conversation trace (Kimi, FAST'25; `conversation_trace.jsonl`: one
 * `{ "timestamp", "input_length", "output_length", "hash_ids"? }` object a line) as requests, mapped
 * as the Azure conversation trace is:
 *
 * - **type**: `reasoning` when the prompt exceeds `reasoningPromptTokens` (default
 *   {@link MOONCAKE_REASONING_PROMPT_TOKENS}, 32,768: about 7% of the rows), `simple` otherwise;
 * - **complexity**: {@link mooncakeComplexity} of prompt plus output tokens;
 * - **tokens**: prompt plus output (`outputTokens`: output);
 * - **t**: the timestamp, spread uniformly inside its 3-second slot (`slotMs`, seeded by `seed`:
 *   the trace rounds arrivals to slots), divided by `compress`; measured from the trace's start.
 *
 * Shared prompt prefixes (`hash_ids`) are not modelled: the simulated models have no KV cache.
 * Requests are sorted by `t` and numbered 0, 1, 2….
 *
 * @throws TraceError naming the line and field of the first malformed row (invalid JSON, an
 * unknown field, a `timestamp` outside 0 to 1e12 ms, token counts that are not integers from 0 to
 * 10,000,000 together, a `complexity` option returning a value outside [0, 1]); ZetaError
 * `CONFIG_INVALID` "Invalid readMooncakeTrace options" listing every bad option (unknown keys
 * included) or a `text` that is not a string.
 * @example
 * const dir = '/work/shared/traces/mooncake-conversation';
 * const requests = readMooncakeTrace(readFileSync(`${dir}/conversation_trace.jsonl`, 'utf8'));
 */
export function readMooncakeTrace(
  text: string,
  options: ReadMooncakeTraceOptions = {},
): SimRequest[] {
  throwIfProblems('readMooncakeTrace options', optionProblems(options));
  assertText('readMooncakeTrace arguments', 'text', text);
  const compress = options.compress ?? 1;
  const threshold = options.reasoningPromptTokens ?? MOONCAKE_REASONING_PROMPT_TOKENS;
  const slotMs = options.slotMs ?? MOONCAKE_SLOT_MS;
  const random = seededRandom(options.seed ?? 1);
  const priority = options.priority ?? 0;
  const complexityOf =
    options.complexity ??
    ((r: MooncakeTraceRow) => mooncakeComplexity(r.inputLength + r.outputLength));
  const rows = parseRows(text, options.limit ?? Number.POSITIVE_INFINITY);
  return numbered(
    rows.map((row) => {
      const complexity = complexityOf(row);
      if (!(complexity >= 0 && complexity <= 1))
        throw new TraceError(
          row.line,
          'complexity',
          `option returned ${show(complexity)}, expected a number in [0, 1]`,
        );
      const t = Math.min(MAX_TIME_MS, row.timestamp + random() * slotMs) / compress;
      return {
        t,
        type: row.inputLength > threshold ? 'reasoning' : 'simple',
        complexity,
        tokens: row.inputLength + row.outputLength,
        outputTokens: row.outputLength,
        priority,
      };
    }),
  );
}
