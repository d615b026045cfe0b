import { describe, expect, it } from 'vitest';
import { azureComplexity } from '../../../src/sim/traces/azureRequests.js';
import { readAzureTrace } from '../../../src/sim/traces/readAzureTrace.js';
import { configError } from '../../helpers/configError.js';
import { CODE_CSV, CONV_CSV, errorOf } from './fixture.js';

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
