import { describeValue } from '../../utils/options.js';
import { MAX_TOKENS } from '../internal/check.js';
import { assertText } from './internal/reader.js';
import { TraceError } from './TraceError.js';

/** The Azure LLM inference trace CSV, parsed into rows. */

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
