import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAzureTraceRows } from '../../../src/sim/traces/azureRows.js';
import {
  AZURE_REASONING_PROMPT_TOKENS,
  mergeAzureTraces,
} from '../../../src/sim/traces/mergeAzureTraces.js';
import { configError } from '../../helpers/configError.js';
import { CODE_CSV, CONV_CSV } from './fixture.js';

describe('Azure reader options', () => {
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
