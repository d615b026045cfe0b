import { MAX_TIME_MS, MAX_TOKENS } from '../internal/check.js';
import type { SimRequest } from '../types.js';
import { assertText, numbered } from './internal/reader.js';
import { TraceError } from './TraceError.js';

/** Replayed traces in JSON lines, one request a line. */

const JSONL_FIELDS = new Set(['t', 'type', 'complexity', 'tokens', 'outputTokens', 'priority']);

const show = (x: unknown): string => (x === undefined ? 'nothing' : JSON.stringify(x));

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
