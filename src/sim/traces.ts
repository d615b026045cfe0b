import type { SimRequest } from './types.js';

/**
 * Thrown when a trace cannot be read: names the 1-based line and, when one is at fault, the field.
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
 * returned sorted by `t` (stable) and numbered 0, 1, 2… in that order.
 *
 * @throws TraceError naming the line and field of the first problem.
 * @example
 * readJsonlTrace('{"t":0,"type":"code","complexity":0.4,"tokens":900}\n');
 * //=> [{ id: 0, t: 0, type: 'code', complexity: 0.4, tokens: 900, priority: 0 }]
 */
export function readJsonlTrace(text: string): SimRequest[] {
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
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
      throw new TraceError(
        line,
        't',
        `must be a finite number >= 0 (milliseconds), got ${show(t)}`,
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
    if (!Number.isSafeInteger(tokens) || (tokens as number) < 0) {
      throw new TraceError(line, 'tokens', `must be an integer >= 0, got ${show(tokens)}`);
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

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;

/** Parses `2023-11-16 18:17:03.9799600` (UTC, any number of fraction digits) to epoch ms. */
function parseTimestamp(text: string, line: number): number {
  const m = TIMESTAMP.exec(text);
  if (m === null) {
    throw new TraceError(
      line,
      'TIMESTAMP',
      `must look like 2023-11-16 18:17:03.9799600, got ${JSON.stringify(text)}`,
    );
  }
  const [, y, mo, d, h, mi, s, frac] = m;
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(whole))
    throw new TraceError(line, 'TIMESTAMP', `is not a valid date: ${JSON.stringify(text)}`);
  return whole + (frac === undefined ? 0 : Number(`0.${frac}`) * 1000);
}

function parseCount(text: string | undefined, line: number, field: string): number {
  const value = text === undefined ? Number.NaN : Number(text.trim());
  if (text === undefined || text.trim() === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new TraceError(
      line,
      field,
      `must be an integer >= 0, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * Parses the rows of an Azure LLM inference trace CSV (`TIMESTAMP,ContextTokens,GeneratedTokens`,
 * columns found by header name). Blank lines are skipped.
 *
 * @throws TraceError naming the line and column of the first problem (or line 1 for a bad header).
 */
export function parseAzureTraceRows(csvText: string): AzureTraceRow[] {
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

function checkCommon(options: AzureTraceCommonOptions): void {
  const { compress, limit, priority } = options;
  if (compress !== undefined && !(Number.isFinite(compress) && compress > 0)) {
    throw new RangeError(`option 'compress' must be a finite number > 0, got ${compress}`);
  }
  if (limit !== undefined && !(limit >= 0)) {
    throw new RangeError(`option 'limit' must be a number >= 0, got ${limit}`);
  }
  if (priority !== undefined && !Number.isFinite(priority)) {
    throw new RangeError(`option 'priority' must be a finite number, got ${priority}`);
  }
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
      const complexity = complexityOf(row);
      if (!(complexity >= 0 && complexity <= 1)) {
        throw new TraceError(
          row.line,
          'complexity',
          `option returned ${complexity}, expected a number in [0, 1]`,
        );
      }
      return {
        t: (row.timestamp - origin) / compress,
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
 * @throws TraceError for a malformed CSV (line and column named); RangeError for bad options.
 * @example
 * const requests = readAzureTrace(readFileSync('code.csv', 'utf8'), { type: 'code', compress: 10 });
 */
export function readAzureTrace(csvText: string, options: ReadAzureTraceOptions): SimRequest[] {
  checkCommon(options);
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
 * @throws TraceError for a malformed CSV; RangeError for bad options.
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
  checkCommon(options);
  const threshold = options.reasoningPromptTokens ?? AZURE_REASONING_PROMPT_TOKENS;
  if (!(threshold >= 0)) {
    throw new RangeError(`option 'reasoningPromptTokens' must be a number >= 0, got ${threshold}`);
  }
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
