import { describe, expect, it } from 'vitest';
import { parseAzureTraceRows } from '../../../src/sim/traces/azureRows.js';
import { configError } from '../../helpers/configError.js';
import { CODE_CSV, errorOf } from './fixture.js';

describe('parseAzureTraceRows', () => {
  it('parses timestamps to epoch ms with sub-millisecond fractions', () => {
    const rows = parseAzureTraceRows(CODE_CSV);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      line: 2,
      timestamp: Date.UTC(2023, 10, 16, 18, 17, 3) + 979.96,
      contextTokens: 4808,
      generatedTokens: 10,
    });
    expect((rows[1]?.timestamp ?? 0) - (rows[0]?.timestamp ?? 0)).toBeCloseTo(52, 3);
    expect((rows[2]?.timestamp ?? 0) - (rows[0]?.timestamp ?? 0)).toBeCloseTo(1520.04, 3);
  });

  it('finds columns by header name', () => {
    const rows = parseAzureTraceRows(
      'GeneratedTokens,TIMESTAMP,ContextTokens\n7,2023-01-01 00:00:00,9\n',
    );
    expect(rows).toEqual([
      { line: 2, timestamp: Date.UTC(2023, 0, 1), contextTokens: 9, generatedTokens: 7 },
    ]);
  });

  it('names the line and column of a bad cell', () => {
    const bad = (row: string) => errorOf(() => parseAzureTraceRows(`${CODE_CSV}${row}\n`));
    expect(bad('2023-11-16 18:17:09,12,x')).toMatchObject({ line: 5, field: 'GeneratedTokens' });
    expect(bad('2023-11-16 18:17:09,12,x').message).toBe(
      `line 5: field 'GeneratedTokens' must be an integer from 0 to 10000000, got "x"`,
    );
    expect(bad('2023-11-16 18:17:09,-3,1')).toMatchObject({ line: 5, field: 'ContextTokens' });
    expect(bad('yesterday,1,1')).toMatchObject({ line: 5, field: 'TIMESTAMP' });
    expect(bad('2023-11-16 18:17:09,1')).toMatchObject({ line: 5, field: 'GeneratedTokens' });
    expect(errorOf(() => parseAzureTraceRows('TIMESTAMP,ContextTokens\n'))).toMatchObject({
      line: 1,
      field: 'GeneratedTokens',
    });
    expect(errorOf(() => parseAzureTraceRows('\n \n'))).toMatchObject({ line: 0 });
  });

  it.each([
    '2023-13-45 99:99:99',
    '2023-00-10 10:00:00',
    '2023-02-29 10:00:00',
    '2023-04-31 10:00:00',
    '2023-11-16 24:00:00',
    '2023-11-16 23:60:00',
    '2023-11-16 23:59:60',
    '0023-11-16 10:00:00',
    '1969-12-31 23:59:59',
    '2023-11-16 10:00:00.1234567890',
  ])('refuses a timestamp that is not a real date and time: %s', (stamp) => {
    const error = errorOf(() => parseAzureTraceRows(`${CODE_CSV}${stamp},1,1\n`));
    expect(error).toMatchObject({ line: 5, field: 'TIMESTAMP' });
    expect(error.message).toMatch(/^line 5: field 'TIMESTAMP' must (be a real UTC date|look like)/);
  });

  it('accepts real edge dates: a leap day, the last second of a year', () => {
    const rows = parseAzureTraceRows(
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-02-29 00:00:00,1,1\n2023-12-31 23:59:59.5,1,1\n',
    );
    expect(rows.map((r) => r.timestamp)).toEqual([
      Date.UTC(2024, 1, 29),
      Date.UTC(2023, 11, 31, 23, 59, 59, 500),
    ]);
  });

  it('refuses token counts beyond 10,000,000 and non-decimal counts', () => {
    expect(
      errorOf(() => parseAzureTraceRows(`${CODE_CSV}2023-11-16 18:17:09,10000001,1\n`)),
    ).toMatchObject({
      line: 5,
      field: 'ContextTokens',
    });
    for (const cell of ['1e3', '0x10', '+5', '1.0'])
      expect(
        errorOf(() => parseAzureTraceRows(`${CODE_CSV}2023-11-16 18:17:09,${cell},1\n`)),
      ).toMatchObject({
        line: 5,
        field: 'ContextTokens',
      });
  });

  it('throws CONFIG_INVALID for a non-string argument', () => {
    expect(configError(() => parseAzureTraceRows(42 as unknown as string)).message).toBe(
      'Invalid parseAzureTraceRows arguments:\n- csvText must be a string, got 42',
    );
  });
});
