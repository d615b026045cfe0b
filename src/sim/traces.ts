import { configInvalid, describeValue, throwIfProblems } from '../utils/options.js';
import {
  callbackProblems,
  isNum,
  isRecord,
  MAX_TIME_MS,
  MAX_TOKENS,
  mustBe,
  optionsProblems,
} from './internal/check.js';
import type { SimRequest } from './types.js';

/**
 * Thrown by the trace readers ({@link readJsonlTrace}, {@link parseAzureTraceRows},
 * {@link readAzureTrace}, {@link mergeAzureTraces}) when the trace text itself is at fault:
 * invalid JSON or CSV, a missing or unknown field, a value out of range (a time beyond
 * 1e12 ms, more than 10,000,000 tokens, a timestamp that is not a real date and time), or a
 * `complexity` / `splitBy` option returning a bad value for a row. Names the 1-based line and,
 * when one is at fault, the field. Bad options (as opposed to bad trace content) throw a
 * `ZetaError` with code `CONFIG_INVALID` instead.
 *
 * @example
 * // TraceError: line 3: field 'complexity' must be a number in [0, 1], got 1.5
 */
export class TraceError extends Error {
  /** The 1-based line number (0 when the whole input is at fault). */
  readonly line: number;
  /** The field at fault, when there is one. */
  readonly field: string | undefined;

  constructor(line: number, field: string | undefined, problem: string) {
    super(`line ${line}: ${field === undefined ? '' : `field '${field}' `}${problem}`);
    this.name = 'TraceError';
    this.line = line;
    this.field = field;
  }
}

const JSONL_FIELDS = new Set(['t', 'type', 'complexity', 'tokens', 'outputTokens', 'priority']);

/** Throws `CONFIG_INVALID` when a reader is given something other than text. */
function assertText(subject: string, name: string, text: unknown): void {
  if (typeof text !== 'string') throw configInvalid(subject, [mustBe(name, 'a string', text)]);
}

const show = (x: unknown): string => (x === undefined ? 'nothing' : JSON.stringify(x));

/** Sorts by time (stable) and numbers the requests 0, 1, 2… in that order. */
function numbered(requests: ReadonlyArray<Omit<SimRequest, 'id'>>): SimRequest[] {
  return requests
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.t - b.r.t || a.i - b.i)
    .map(({ r }, id) => ({ id, ...r }));
}

/**
 * Reads a JSON-lines trace: one request per line,
 * `{ "t": ms, "type": "code", "complexity": 0..1, "tokens": n, "outputTokens"?: n, "priority"?: n }`.
 * `t` is the arrival time in milliseconds, `tokens` is prompt plus output; `priority` defaults to
 * 0. Blank lines are skipped; unknown fields are errors (they are usually typos). The requests are
 * returned sorted by `t` (stable) and numbered 0, 1, 2… in that order. Bounds: `t` from 0 to
 * 1e12 ms (about 31 years), `tokens` from 0 to 10,000,000, `priority` finite.
 *
 * @throws TraceError naming the line and field of the first problem; ZetaError
 * `CONFIG_INVALID` when `text` is not a string.
 * @example
 * readJsonlTrace('{"t":0,"type":"code","complexity":0.4,"tokens":900}\n');
 * //=> [{ id: 0, t: 0, type: 'code', complexity: 0.4, tokens: 900, priority: 0 }]
 */
export function readJsonlTrace(text: string): SimRequest[] {
  assertText('readJsonlTrace arguments', 'text', text);
  const rows: Array<Omit<SimRequest, 'id'>> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new TraceError(line, undefined, `is not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TraceError(line, undefined, `must be a JSON object, got ${show(value)}`);
    }
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!JSONL_FIELDS.has(key)) {
        throw new TraceError(
          line,
          key,
          `is unknown (expected t, type, complexity, tokens, outputTokens, priority)`,
        );
      }
    }
    const { t, type, complexity, tokens, outputTokens, priority } = o;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > MAX_TIME_MS) {
      throw new TraceError(
        line,
        't',
        `must be a number from 0 to ${MAX_TIME_MS} (milliseconds), got ${show(t)}`,
      );
    }
    if (typeof type !== 'string' || type === '') {
      throw new TraceError(line, 'type', `must be a non-empty string, got ${show(type)}`);
    }
    if (typeof complexity !== 'number' || !(complexity >= 0 && complexity <= 1)) {
      throw new TraceError(
        line,
        'complexity',
        `must be a number in [0, 1], got ${show(complexity)}`,
      );
    }
    if (
      !Number.isSafeInteger(tokens) ||
      (tokens as number) < 0 ||
      (tokens as number) > MAX_TOKENS
    ) {
      throw new TraceError(
        line,
        'tokens',
        `must be an integer from 0 to ${MAX_TOKENS}, got ${show(tokens)}`,
      );
    }
    if (
      outputTokens !== undefined &&
      (!Number.isSafeInteger(outputTokens) ||
        (outputTokens as number) < 0 ||
        (outputTokens as number) > (tokens as number))
    ) {
      throw new TraceError(
        line,
        'outputTokens',
        `must be an integer in [0, tokens], got ${show(outputTokens)}`,
      );
    }
    if (priority !== undefined && (typeof priority !== 'number' || !Number.isFinite(priority))) {
      throw new TraceError(line, 'priority', `must be a finite number, got ${show(priority)}`);
    }
    const base = {
      t,
      type,
      complexity,
      tokens: tokens as number,
      priority: (priority as number | undefined) ?? 0,
    };
    rows.push(
      outputTokens === undefined ? base : { ...base, outputTokens: outputTokens as number },
    );
  });
  return numbered(rows);
}

/** One row of an Azure LLM inference trace CSV. */
export interface AzureTraceRow {
  /** The 1-based line number in the CSV text. */
  readonly line: number;
  /** Invocation time, in milliseconds since the Unix epoch (UTC; about 0.1 µs resolution). */
  readonly timestamp: number;
  /** Prompt tokens (`ContextTokens`). */
  readonly contextTokens: number;
  /** Generated tokens (`GeneratedTokens`). */
  readonly generatedTokens: number;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/;

/**
 * Parses `2023-11-16 18:17:03.9799600` (UTC, up to 9 fraction digits) to epoch ms. The date and
 * time must be real: year 1970 to 9999, month 01-12, a day the month has, hour 00-23, minute and
 * second 00-59 (checked by round-tripping through `Date`, so `2023-02-30` is refused, not rolled
 * over to March).
 */
function parseTimestamp(text: string, line: number): number {
  const m = TIMESTAMP.exec(text);
  if (m === null) {
    throw new TraceError(
      line,
      'TIMESTAMP',
      `must look like 2023-11-16 18:17:03.9799600, got ${describeValue(text)}`,
    );
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const frac = m[7];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const real =
    y >= 1970 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  if (!real) {
    throw new TraceError(
      line,
      'TIMESTAMP',
      `must be a real UTC date and time (year 1970-9999, month 01-12, a day the month has, hour 00-23, minute and second 00-59), got ${describeValue(text)}`,
    );
  }
  return date.getTime() + (frac === undefined ? 0 : Number(`0.${frac}`) * 1000);
}

function parseCount(text: string | undefined, line: number, field: string): number {
  const trimmed = text?.trim();
  const value = trimmed === undefined || !/^\d+$/.test(trimmed) ? Number.NaN : Number(trimmed);
  if (!(Number.isSafeInteger(value) && value >= 0 && value <= MAX_TOKENS)) {
    throw new TraceError(
      line,
      field,
      `must be an integer from 0 to ${MAX_TOKENS}, got ${text === undefined ? 'nothing' : describeValue(text)}`,
    );
  }
  return value;
}

/**
 * Parses the rows of an Azure LLM inference trace CSV (`TIMESTAMP,ContextTokens,GeneratedTokens`,
 * columns found by header name). Blank lines are skipped. Timestamps must be real UTC dates and
 * times (see {@link TraceError}); token counts integers from 0 to 10,000,000.
 *
 * @throws TraceError naming the line and column of the first problem (or line 1 for a bad
 * header); ZetaError `CONFIG_INVALID` when `csvText` is not a string.
 */
export function parseAzureTraceRows(csvText: string): AzureTraceRow[] {
  assertText('parseAzureTraceRows arguments', 'csvText', csvText);
  const lines = csvText.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0)
    throw new TraceError(0, undefined, 'the CSV is empty (expected a header row)');
  const header = (lines[headerIndex] as string).split(',').map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new TraceError(
        headerIndex + 1,
        name,
        `is missing from the header (got ${header.join(',')})`,
      );
    }
    return i;
  };
  const ti = col('TIMESTAMP');
  const ci = col('ContextTokens');
  const gi = col('GeneratedTokens');
  const rows: AzureTraceRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = raw.split(',');
    rows.push({
      line,
      timestamp: parseTimestamp((cells[ti] ?? '').trim(), line),
      contextTokens: parseCount(cells[ci], line, 'ContextTokens'),
      generatedTokens: parseCount(cells[gi], line, 'GeneratedTokens'),
    });
  }
  return rows;
}

/** Tokens mapping to complexity 0 in {@link azureComplexity} (2^6). */
const COMPLEXITY_MIN_TOKENS = 64;
/** Doublings from complexity 0 to 1 in {@link azureComplexity} (64 → 65,536 tokens). */
const COMPLEXITY_DOUBLINGS = 10;

/**
 * Complexity from tokens on a log scale: `(log2(tokens) − 6) / 10` clamped to [0, 1], i.e. 64
 * tokens or fewer → 0, 2,048 → 0.5, 8,192 → 0.7, 65,536 or more → 1. In the 2023 Azure trace this
 * puts the median code request (≈1,500 tokens) near 0.45 and every code request below 0.7.
 *
 * @param tokens - Prompt plus generated tokens.
 */
export function azureComplexity(tokens: number): number {
  if (!(tokens > COMPLEXITY_MIN_TOKENS)) return 0;
  return Math.min(1, Math.log2(tokens / COMPLEXITY_MIN_TOKENS) / COMPLEXITY_DOUBLINGS);
}

/** Options shared by {@link readAzureTrace} and {@link mergeAzureTraces}. */
export interface AzureTraceCommonOptions {
  /**
   * Time compression: arrival times are divided by this factor (> 0), so 10 replays an hour in
   * six minutes at ten times the rate.
   * @default 1
   */
  readonly compress?: number;
  /** Complexity of a row. @default azureComplexity(contextTokens + generatedTokens) */
  readonly complexity?: (row: AzureTraceRow) => number;
  /** Priority of every request. @default 0 */
  readonly priority?: number;
  /** Keep only the first `limit` rows (in file order) of each CSV. @default Infinity */
  readonly limit?: number;
}

/** Options of {@link readAzureTrace}: a fixed task type, or a function choosing one per row. */
export type ReadAzureTraceOptions = AzureTraceCommonOptions &
  (
    | {
        /** Task type of every request. */
        readonly type: string;
      }
    | {
        /** Chooses the task type of each row. */
        readonly splitBy: (row: AzureTraceRow) => string;
      }
  );

/** Bounds of the `compress` option. */
const MIN_COMPRESS = 0.001;
const MAX_COMPRESS = 1_000_000;

const COMMON_KEYS = [
  'compress',
  'complexity',
  'priority',
  'limit',
] as const satisfies ReadonlyArray<keyof AzureTraceCommonOptions>;

/** Problems of the options shared by the Azure readers (unknown keys checked by the caller). */
function commonProblems(options: Record<string, unknown>): string[] {
  const { compress, limit, priority, complexity } = options;
  const problems: string[] = [];
  if (
    compress !== undefined &&
    !(isNum(compress) && compress >= MIN_COMPRESS && compress <= MAX_COMPRESS)
  )
    problems.push(mustBe('compress', `a number from ${MIN_COMPRESS} to ${MAX_COMPRESS}`, compress));
  if (
    limit !== undefined &&
    !((Number.isInteger(limit) && (limit as number) >= 0) || limit === Number.POSITIVE_INFINITY)
  )
    problems.push(mustBe('limit', 'an integer >= 0 or Infinity', limit));
  if (priority !== undefined && !isNum(priority))
    problems.push(mustBe('priority', 'a finite number', priority));
  problems.push(...callbackProblems(complexity, 'complexity'));
  return problems;
}

function toRequests(
  rows: ReadonlyArray<{ row: AzureTraceRow; type: string }>,
  origin: number,
  options: AzureTraceCommonOptions,
): SimRequest[] {
  const compress = options.compress ?? 1;
  const priority = options.priority ?? 0;
  const complexityOf =
    options.complexity ??
    ((r: AzureTraceRow) => azureComplexity(r.contextTokens + r.generatedTokens));
  return numbered(
    rows.map(({ row, type }) => {
      if (typeof type !== 'string' || type === '') {
        throw new TraceError(
          row.line,
          'type',
          `option splitBy returned ${describeValue(type)}, expected a non-empty string`,
        );
      }
      const t = (row.timestamp - origin) / compress;
      if (!(t <= MAX_TIME_MS)) {
        throw new TraceError(
          row.line,
          'TIMESTAMP',
          `is ${row.timestamp - origin} ms after the earliest row${compress === 1 ? '' : ` (${t} ms compressed by ${compress})`}, beyond the ${MAX_TIME_MS} ms horizon`,
        );
      }
      const complexity = complexityOf(row);
      if (!(complexity >= 0 && complexity <= 1)) {
        throw new TraceError(
          row.line,
          'complexity',
          `option returned ${complexity}, expected a number in [0, 1]`,
        );
      }
      return {
        t,
        type,
        complexity,
        tokens: row.contextTokens + row.generatedTokens,
        outputTokens: row.generatedTokens,
        priority,
      };
    }),
  );
}

function firstRows(csvText: string, limit: number | undefined): AzureTraceRow[] {
  const rows = parseAzureTraceRows(csvText);
  return limit === undefined || limit >= rows.length ? rows : rows.slice(0, limit);
}

function earliest(rows: readonly AzureTraceRow[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const r of rows) if (r.timestamp < min) min = r.timestamp;
  return min;
}

/**
 * Reads an Azure LLM inference trace CSV as requests. `t` is measured from the earliest row (the
 * first row in the published files) and divided by `compress`; `tokens` is prompt plus generated
 * tokens and `outputTokens` the generated ones. Requests are sorted by `t` and numbered 0, 1, 2….
 *
 * @throws TraceError for a malformed CSV (line and column named) or a row beyond the 1e12 ms
 * horizon; ZetaError `CONFIG_INVALID` "Invalid readAzureTrace options" listing every bad option
 * (unknown keys, neither or both of `type` and `splitBy`, `compress` outside 0.001 to 1,000,000,
 * a `limit` that is not an integer >= 0).
 * @example
 * const requests = readAzureTrace(readFileSync('code.csv', 'utf8'), { type: 'code', compress: 10 });
 */
export function readAzureTrace(csvText: string, options: ReadAzureTraceOptions): SimRequest[] {
  const problems = optionsProblems(options, [...COMMON_KEYS, 'type', 'splitBy']);
  if (typeof csvText !== 'string') problems.push(mustBe('csvText', 'a string', csvText));
  if (isRecord(options)) {
    problems.push(...commonProblems(options));
    const { type, splitBy } = options as Record<string, unknown>;
    if ((type === undefined) === (splitBy === undefined))
      problems.push('give exactly one of `type` (a task type) and `splitBy` (a function)');
    if (type !== undefined && !(typeof type === 'string' && type !== ''))
      problems.push(mustBe('type', 'a non-empty string', type));
    problems.push(...callbackProblems(splitBy, 'splitBy'));
  }
  throwIfProblems('readAzureTrace options', problems);
  const rows = firstRows(csvText, options.limit);
  const typeOf = 'splitBy' in options ? options.splitBy : () => options.type;
  return toRequests(
    rows.map((row) => ({ row, type: typeOf(row) })),
    earliest(rows),
    options,
  );
}

/**
 * Prompt-token threshold of {@link mergeAzureTraces}: conversation rows with more prompt tokens
 * than this are `reasoning`, the others `simple`. 2,048 sits near the 85th percentile of the 2023
 * conversation trace (median ≈ 1,020), so long-context conversations, about one in seven, count as
 * reasoning.
 */
export const AZURE_REASONING_PROMPT_TOKENS = 2048;

/** Options of {@link mergeAzureTraces}. */
export interface MergeAzureTracesOptions extends AzureTraceCommonOptions {
  /**
   * Conversation rows with more prompt tokens than this are `reasoning`, the rest `simple`.
   * @default AZURE_REASONING_PROMPT_TOKENS (2,048)
   */
  readonly reasoningPromptTokens?: number;
}

/**
 * Merges the code and conversation traces of the Azure LLM inference dataset into one request
 * stream on a common time base (both measured from the earliest row of either file): code rows
 * become `code` requests; conversation rows become `reasoning` when their prompt exceeds
 * `reasoningPromptTokens` (default {@link AZURE_REASONING_PROMPT_TOKENS}) and `simple` otherwise.
 * Complexity comes from tokens on a log scale ({@link azureComplexity}).
 *
 * @throws TraceError for a malformed CSV (line and column named) or a row beyond the 1e12 ms
 * horizon; ZetaError `CONFIG_INVALID` "Invalid mergeAzureTraces options" listing every bad
 * option or argument (unknown keys, `csv` without string `code` and `conv`, `compress` outside
 * 0.001 to 1,000,000, a negative `reasoningPromptTokens`).
 * @example
 * const dir = '/work/shared/traces/azure-llm-2023';
 * const requests = mergeAzureTraces({
 *   code: readFileSync(`${dir}/code.csv`, 'utf8'),
 *   conv: readFileSync(`${dir}/conv.csv`, 'utf8'),
 * }, { compress: 10 });
 */
export function mergeAzureTraces(
  csv: { readonly code: string; readonly conv: string },
  options: MergeAzureTracesOptions = {},
): SimRequest[] {
  const problems = optionsProblems(csv, ['code', 'conv'], { where: 'csv.' });
  const texts: unknown = csv;
  if (isRecord(texts)) {
    for (const key of ['code', 'conv'])
      if (typeof texts[key] !== 'string')
        problems.push(mustBe(`csv.${key}`, 'a string (CSV text)', texts[key]));
  }
  problems.push(
    ...optionsProblems(options, [...COMMON_KEYS, 'reasoningPromptTokens'], { optional: true }),
  );
  if (isRecord(options)) {
    problems.push(...commonProblems(options));
    const r = (options as Record<string, unknown>)['reasoningPromptTokens'];
    if (r !== undefined && !(isNum(r) && r >= 0))
      problems.push(mustBe('reasoningPromptTokens', 'a finite number >= 0', r));
  }
  throwIfProblems('mergeAzureTraces options', problems);
  const threshold = options.reasoningPromptTokens ?? AZURE_REASONING_PROMPT_TOKENS;
  const code = firstRows(csv.code, options.limit);
  const conv = firstRows(csv.conv, options.limit);
  const origin = Math.min(earliest(code), earliest(conv));
  return toRequests(
    [
      ...code.map((row) => ({ row, type: 'code' })),
      ...conv.map((row) => ({ row, type: row.contextTokens > threshold ? 'reasoning' : 'simple' })),
    ],
    origin,
    options,
  );
}
