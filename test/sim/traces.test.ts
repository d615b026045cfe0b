import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AZURE_REASONING_PROMPT_TOKENS,
  azureComplexity,
  mergeAzureTraces,
  parseAzureTraceRows,
  readAzureTrace,
  readJsonlTrace,
  TraceError,
} from '../../src/sim/traces.js';
import { configError } from '../helpers/configError.js';

const errorOf = (fn: () => unknown): TraceError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error('expected a TraceError');
};

describe('readJsonlTrace', () => {
  it('reads requests, sorts them by t and numbers them', () => {
    const text = [
      '{"t":500,"type":"code","complexity":0.4,"tokens":900,"priority":1}',
      '',
      '{"t":100,"type":"simple","complexity":0,"tokens":20,"outputTokens":5}\r',
      '{"t":500,"type":"embedding","complexity":0.1,"tokens":300}',
    ].join('\n');
    expect(readJsonlTrace(text)).toEqual([
      { id: 0, t: 100, type: 'simple', complexity: 0, tokens: 20, outputTokens: 5, priority: 0 },
      { id: 1, t: 500, type: 'code', complexity: 0.4, tokens: 900, priority: 1 },
      { id: 2, t: 500, type: 'embedding', complexity: 0.1, tokens: 300, priority: 0 },
    ]);
    expect(readJsonlTrace('')).toEqual([]);
  });

  it.each([
    [
      '{"t":0,"type":"code","complexity":1.5,"tokens":1}',
      'complexity',
      "line 2: field 'complexity' must be a number in [0, 1], got 1.5",
    ],
    [
      '{"t":-1,"type":"code","complexity":0,"tokens":1}',
      't',
      "line 2: field 't' must be a number from 0 to 1000000000000 (milliseconds), got -1",
    ],
    [
      '{"t":0,"type":"","complexity":0,"tokens":1}',
      'type',
      'line 2: field \'type\' must be a non-empty string, got ""',
    ],
    [
      '{"t":0,"type":"code","complexity":0}',
      'tokens',
      "line 2: field 'tokens' must be an integer from 0 to 10000000, got nothing",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":2.5}',
      'tokens',
      "line 2: field 'tokens' must be an integer from 0 to 10000000, got 2.5",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":5,"outputTokens":6}',
      'outputTokens',
      "line 2: field 'outputTokens' must be an integer in [0, tokens], got 6",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":5,"priority":"high"}',
      'priority',
      'line 2: field \'priority\' must be a finite number, got "high"',
    ],
    [
      '{"t":1e308,"type":"code","complexity":0,"tokens":1}',
      't',
      "line 2: field 't' must be a number from 0 to 1000000000000 (milliseconds), got 1e+308",
    ],
    [
      '{"t":1000000000001,"type":"code","complexity":0,"tokens":1}',
      't',
      "line 2: field 't' must be a number from 0 to 1000000000000 (milliseconds), got 1000000000001",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":10000001}',
      'tokens',
      "line 2: field 'tokens' must be an integer from 0 to 10000000, got 10000001",
    ],
    [
      '{"t":0,"type":"code","complexty":0,"tokens":5}',
      'complexty',
      "line 2: field 'complexty' is unknown",
    ],
  ])('names the line and field of a bad value: %s', (line, field, message) => {
    const error = errorOf(() =>
      readJsonlTrace(`{"t":0,"type":"code","complexity":0,"tokens":1}\n${line}\n`),
    );
    expect(error.line).toBe(2);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.name).toBe('TraceError');
  });

  it('reports invalid JSON and non-objects with the line', () => {
    expect(() => readJsonlTrace('\n\n{"t":0,')).toThrow(/^line 3: is not valid JSON/);
    expect(() => readJsonlTrace('[1,2]')).toThrow('line 1: must be a JSON object, got [1,2]');
  });
});

const CODE_CSV = `TIMESTAMP,ContextTokens,GeneratedTokens
2023-11-16 18:17:03.9799600,4808,10
2023-11-16 18:17:04.0319600,3180,8
2023-11-16 18:17:05.5,110,27
`;

const CONV_CSV = `TIMESTAMP,ContextTokens,GeneratedTokens\r
2023-11-16 18:17:02.0000000,374,44\r
2023-11-16 18:17:04.0000000,2049,109\r
2023-11-16 18:17:06.0000000,2048,55\r
`;

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
    expect(configError(() => readJsonlTrace(undefined as unknown as string)).message).toBe(
      'Invalid readJsonlTrace arguments:\n- text must be a string, got undefined',
    );
  });
});

describe('azureComplexity', () => {
  it('maps tokens to 0..1 on a log scale', () => {
    expect(azureComplexity(0)).toBe(0);
    expect(azureComplexity(64)).toBe(0);
    expect(azureComplexity(2048)).toBeCloseTo(0.5, 12);
    expect(azureComplexity(8192)).toBeCloseTo(0.7, 12);
    expect(azureComplexity(65_536)).toBe(1);
    expect(azureComplexity(1e9)).toBe(1);
  });
});

describe('readAzureTrace', () => {
  it('measures t from the first row, divided by compress', () => {
    const reqs = readAzureTrace(CODE_CSV, { type: 'code', compress: 2 });
    expect(reqs.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(reqs[0]).toEqual({
      id: 0,
      t: 0,
      type: 'code',
      complexity: azureComplexity(4818),
      tokens: 4818,
      outputTokens: 10,
      priority: 0,
    });
    expect(reqs[1]?.t).toBeCloseTo(26, 3);
    expect(reqs[2]?.t).toBeCloseTo(760.02, 3);
  });

  it('splits by a row function, limits rows and applies priority and complexity options', () => {
    const reqs = readAzureTrace(CONV_CSV, {
      splitBy: (row) => (row.contextTokens > 1000 ? 'long' : 'short'),
      limit: 2,
      priority: 3,
      complexity: () => 0.5,
    });
    expect(reqs.map((r) => [r.type, r.t, r.priority, r.complexity])).toEqual([
      ['short', 0, 3, 0.5],
      ['long', 2000, 3, 0.5],
    ]);
  });

  it('rejects bad options and bad complexities', () => {
    expect(configError(() => readAzureTrace(CODE_CSV, { type: 'code', compress: 0 })).message).toBe(
      'Invalid readAzureTrace options:\n- compress must be a number from 0.001 to 1000000, got 0',
    );
    expect(() => readAzureTrace(CODE_CSV, { type: 'code', complexity: () => 2 })).toThrow(
      "line 2: field 'complexity' option returned 2",
    );
  });
});

describe('Azure reader options', () => {
  it('readAzureTrace rejects unknown keys (with a hint) and lists every problem at once', () => {
    const error = configError(() =>
      readAzureTrace(CODE_CSV, {
        type: 'code',
        Compress: 2,
        limit: -1,
        priority: Number.NaN,
      } as unknown as { type: string }),
    );
    expect(error.message).toBe(
      [
        'Invalid readAzureTrace options:',
        '- unknown option `Compress` (did you mean `compress`?) (known: compress, complexity, priority, limit, type, splitBy)',
        '- limit must be an integer >= 0 or Infinity, got -1',
        '- priority must be a finite number, got NaN',
      ].join('\n'),
    );
    expect(error.problems).toHaveLength(3);
  });

  it('readAzureTrace needs exactly one of type and splitBy', () => {
    expect(configError(() => readAzureTrace(CODE_CSV, {} as { type: string })).message).toMatch(
      /give exactly one of `type` \(a task type\) and `splitBy`/,
    );
    expect(
      configError(() =>
        readAzureTrace(CODE_CSV, { type: 'code', splitBy: () => 'x' } as unknown as {
          type: string;
        }),
      ).message,
    ).toMatch(/exactly one/);
    expect(errorOf(() => readAzureTrace(CODE_CSV, { splitBy: () => '' }))).toMatchObject({
      line: 2,
      field: 'type',
    });
  });

  it('mergeAzureTraces rejects unknown keys and bad texts, every problem at once', () => {
    const error = configError(() =>
      mergeAzureTraces(
        { code: CODE_CSV, conv: 7 } as unknown as { code: string; conv: string },
        {
          reasoningPromptToken: 10,
          compress: 1e9,
        } as unknown as { compress: number },
      ),
    );
    expect(error.problems).toEqual([
      'csv.conv must be a string (CSV text), got 7',
      'unknown option `reasoningPromptToken` (known: compress, complexity, priority, limit, reasoningPromptTokens)',
      'compress must be a number from 0.001 to 1000000, got 1000000000',
    ]);
    expect(error.message.startsWith('Invalid mergeAzureTraces options:\n- ')).toBe(true);
  });

  it('refuses rows spanning more than the 1e12 ms horizon (a TraceError on the row)', () => {
    const csv =
      'TIMESTAMP,ContextTokens,GeneratedTokens\n1970-01-01 00:00:00,1,1\n9999-12-31 00:00:00,1,1\n';
    expect(errorOf(() => readAzureTrace(csv, { type: 'code' }))).toMatchObject({
      line: 3,
      field: 'TIMESTAMP',
    });
    expect(readAzureTrace(CODE_CSV, { type: 'code' })).toHaveLength(3);
  });
});

describe('mergeAzureTraces', () => {
  it('puts both traces on one time base and splits conversations by prompt size', () => {
    const reqs = mergeAzureTraces({ code: CODE_CSV, conv: CONV_CSV });
    expect(AZURE_REASONING_PROMPT_TOKENS).toBe(2048);
    expect(reqs.map((r) => [r.id, r.type, Math.round(r.t)])).toEqual([
      [0, 'simple', 0],
      [1, 'code', 1980],
      [2, 'reasoning', 2000],
      [3, 'code', 2032],
      [4, 'code', 3500],
      [5, 'simple', 4000],
    ]);
  });

  it('honours a custom threshold and compression', () => {
    const reqs = mergeAzureTraces(
      { code: CODE_CSV, conv: CONV_CSV },
      { reasoningPromptTokens: 300, compress: 1000 },
    );
    expect(reqs.filter((r) => r.type === 'reasoning')).toHaveLength(3);
    expect(reqs.at(-1)?.t).toBeCloseTo(4, 9);
  });
});

const DIR = '/work/shared/traces/azure-llm-2023';
const haveTrace = existsSync(`${DIR}/code.csv`) && existsSync(`${DIR}/conv.csv`);

describe.skipIf(!haveTrace)('the real Azure 2023 trace', () => {
  it('reads one hour of code and conversation requests', () => {
    const code = readFileSync(`${DIR}/code.csv`, 'utf8');
    const conv = readFileSync(`${DIR}/conv.csv`, 'utf8');
    const codeRows = parseAzureTraceRows(code).length;
    const convRows = parseAzureTraceRows(conv).length;
    const reqs = mergeAzureTraces({ code, conv }, { compress: 10 });
    expect(reqs).toHaveLength(codeRows + convRows);
    expect(codeRows).toBeGreaterThan(8000);
    expect(convRows).toBeGreaterThan(19_000);
    const last = reqs.at(-1)?.t ?? 0;
    expect(last).toBeGreaterThan(340_000); // about an hour, compressed 10x
    expect(last).toBeLessThan(370_000);
    const reasoning = reqs.filter((r) => r.type === 'reasoning').length;
    expect(reasoning / convRows).toBeGreaterThan(0.1);
    expect(reasoning / convRows).toBeLessThan(0.2);
    expect(reqs.filter((r) => r.type === 'code').every((r) => r.complexity <= 0.7)).toBe(true);
    expect(reqs.every((r, i) => r.id === i && (i === 0 || r.t >= (reqs[i - 1]?.t ?? 0)))).toBe(
      true,
    );
  });
});
