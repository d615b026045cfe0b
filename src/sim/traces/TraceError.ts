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
