import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isZetaError } from '../../src/errors/ZetaError.js';
import { main } from '../../src/sim/cli.js';
import { parseAzureTraceRows } from '../../src/sim/traces/azureRows.js';
import { readJsonlTrace } from '../../src/sim/traces/readJsonlTrace.js';
import { TraceError } from '../../src/sim/traces/TraceError.js';

/**
 * Random command lines and random trace lines either give a result or a clean error: exit 0, or
 * exit 2 with a one-line `zeta-sim:` message (never exit 1, a stack trace, a hang or a V8
 * abort). Work is bounded: a command line that would run a simulation gets at most 40 requests.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

async function runCli(args: readonly string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(args), err: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

/** A cheap scenario (the 1,000-model one is left out to keep runs short). */
const scenario = fc.constantFrom('steady', 'code-burst', 'slow-model', 'failing-model', 'nope');

/** Numbers as a user might type them: valid, huge, negative, fractional, garbage. */
const numberText = fc.oneof(
  fc.integer({ min: -5, max: 50 }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '1e3',
    '1e308',
    '-1e308',
    '0x10',
    'NaN',
    'Infinity',
    '-0',
    '0.5',
    '1000000000000',
    '9007199254740993',
  ),
  fc.double().map(String),
  fc.string({ maxLength: 8 }),
);

/** Mostly valid values (so runs also succeed), sometimes anything. */
const mostly = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: numberText, weight: 1 });

/** A small valid request count, or something the CLI must refuse before doing any work. */
const requestsText = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 40 }).map(String), weight: 4 },
  {
    arbitrary: fc.constantFrom('0', '-1', '1000001', '1000000000000', '1e12', '', 'abc', '2.5'),
    weight: 1,
  },
);

const flag = fc.oneof(
  mostly(fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String)).map((v) => ['--seed', v]),
  mostly(fc.double({ min: 0.05, max: 9.9, noNaN: true }).map(String)).map((v) => [
    '--utilization',
    v,
  ]),
  mostly(fc.double({ min: 0.001, max: 1e6, noNaN: true }).map(String)).map((v) => [
    '--compress',
    v,
  ]),
  fc
    .constantFrom('static', 'adaptive', 'least-loaded,adaptive', 'static', 'fastest', '', ',,', '.')
    .map((v) => ['--strategies', v]),
  fc.constantFrom(['--json'], ['--json'], ['--bogus'], ['-x'], ['--seed']),
);

const argv = fc
  .tuple(scenario, requestsText, fc.array(flag, { maxLength: 3 }))
  .map(([s, r, flags]) => [s, ...flags.flat(), '--requests', r]);

describe('zeta-sim on random command lines', () => {
  it('exits 0, or 2 with a one-line message; never crashes', async () => {
    const codes = { 0: 0, 2: 0 };
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { code, err } = await runCli(args);
        expect([0, 2]).toContain(code);
        codes[code as 0 | 2]++;
        if (code === 2) {
          expect(err).toMatch(/^zeta-sim: \S/);
          expect(err).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 60 },
    );
    // Both paths were exercised: some runs simulated, some were refused.
    expect(codes[0]).toBeGreaterThan(0);
    expect(codes[2]).toBeGreaterThan(0);
  }, 120_000);
});

/** A JSON value of any shape, with the numbers that break naive bounds. */
const field = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, 1e12, 1e12 + 1, 1e308, -0, 10_000_000, 10_000_001, 2 ** 53),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.boolean(),
);

/** A valid value most of the time, any field value otherwise. */
const or = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: valid as fc.Arbitrary<unknown>, weight: 8 },
    { arbitrary: field as fc.Arbitrary<unknown>, weight: 1 },
  );

const jsonlLine = fc.oneof(
  {
    arbitrary: fc
      .record(
        {
          t: or(fc.double({ min: 0, max: 1e12, noNaN: true })),
          type: or(fc.constantFrom('code', 'simple', 'reasoning', 'embedding', 'other')),
          complexity: or(fc.double({ min: 0, max: 1, noNaN: true })),
          tokens: or(fc.integer({ min: 10, max: 10_000_000 })),
          outputTokens: or(fc.integer({ min: 0, max: 10 })),
          priority: or(fc.integer({ min: -3, max: 3 })),
        },
        { requiredKeys: ['t', 'type', 'complexity', 'tokens'] },
      )
      .map((o) => JSON.stringify(o)),
    weight: 12,
  },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
);

const realStamp = fc
  .date({
    min: new Date(Date.UTC(1970, 0, 1)),
    max: new Date(Date.UTC(2100, 0, 1)),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().replace('T', ' ').replace('Z', ''));
const anyStamp = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 19 }),
      fc.integer({ min: 0, max: 39 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
    )
    .map(
      ([y, mo, d, h, mi, s]) =>
        `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`,
    ),
  fc.string({ maxLength: 24 }),
);
const stamp = fc.oneof({ arbitrary: realStamp, weight: 12 }, { arbitrary: anyStamp, weight: 1 });
const count = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 20_000 }).map(String), weight: 12 },
  fc.nat().map(String),
  fc.string({ maxLength: 6 }),
);
const csvLine = fc.tuple(stamp, count, count).map((cells) => cells.join(','));

/** The readers either return requests within bounds or throw a TraceError. */
function readsOrTraceError(read: () => ReadonlyArray<{ t?: number; timestamp?: number }>): void {
  try {
    for (const r of read()) {
      if (r.t !== undefined) expect(r.t >= 0 && r.t <= 1e12).toBe(true);
      if (r.timestamp !== undefined) expect(Number.isFinite(r.timestamp)).toBe(true);
    }
  } catch (error) {
    if (!(error instanceof TraceError) || isZetaError(error)) throw error;
  }
}

describe('trace readers on random lines', () => {
  it('readJsonlTrace returns bounded requests or throws a TraceError', () => {
    fc.assert(
      fc.property(fc.array(jsonlLine, { maxLength: 5 }), (lines) => {
        readsOrTraceError(() => readJsonlTrace(lines.join('\n')));
      }),
      { numRuns: 500 },
    );
  });

  it('parseAzureTraceRows returns real timestamps or throws a TraceError', () => {
    fc.assert(
      fc.property(fc.array(csvLine, { maxLength: 5 }), (lines) => {
        readsOrTraceError(() =>
          parseAzureTraceRows(['TIMESTAMP,ContextTokens,GeneratedTokens', ...lines].join('\n')),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('zeta-sim replays random JSONL and CSV traces or refuses them with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-fuzz-'));
    let n = 0;
    const trace = fc.oneof(
      fc
        .array(jsonlLine, { minLength: 1, maxLength: 4 })
        .map((lines) => ({ ext: 'jsonl', text: lines.join('\n') })),
      fc.array(csvLine, { minLength: 1, maxLength: 4 }).map((lines) => ({
        ext: 'csv',
        text: ['TIMESTAMP,ContextTokens,GeneratedTokens', ...lines].join('\n'),
      })),
    );
    const codes = { 0: 0, 2: 0 };
    await fc.assert(
      fc.asyncProperty(trace, async ({ ext, text }) => {
        const file = join(dir, `code${n++}.${ext}`);
        writeFileSync(file, text);
        const { code, err } = await runCli([file, '--requests', '20', '--strategies', 'static']);
        expect([0, 2]).toContain(code);
        codes[code as 0 | 2]++;
        if (code === 2) {
          expect(err).toMatch(/^zeta-sim: \S/);
          expect(err).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 80 },
    );
    expect(codes[0]).toBeGreaterThan(0);
    expect(codes[2]).toBeGreaterThan(0);
  }, 120_000);
});

describe('zeta-sim on random fleet files', () => {
  const distribution = fc.oneof(
    {
      arbitrary: fc
        .integer({ min: 1, max: 3000 })
        .map((median) => ({ kind: 'lognormal', median, spread: 2.5 })),
      weight: 8,
    },
    {
      arbitrary: fc.record({
        kind: or(fc.constantFrom('constant', 'lognormal')),
        value: or(fc.integer({ min: 1, max: 500 })),
      }),
      weight: 1,
    },
  );
  const spec = fc.record(
    {
      id: or(fc.constantFrom('a', 'b', 'c', 'd')),
      tasks: or(fc.subarray(['simple', 'code', 'reasoning', 'embedding'], { minLength: 1 })),
      home: or(fc.subarray(['simple', 'code', 'reasoning', 'embedding'])),
      maxComplexity: or(fc.double({ min: 0, max: 1, noNaN: true })),
      maxTokens: or(fc.integer({ min: 1, max: 200_000 })),
      concurrency: or(fc.integer({ min: 1, max: 16 })),
      service: or(distribution),
      failureProbability: or(fc.double({ min: 0, max: 1, noNaN: true })),
    },
    { requiredKeys: ['id', 'tasks', 'concurrency', 'service'] },
  );
  const fleetText = fc.oneof(
    { arbitrary: fc.array(spec, { maxLength: 4 }).map((ms) => JSON.stringify(ms)), weight: 8 },
    {
      arbitrary: fc.array(spec, { maxLength: 3 }).map((ms) => JSON.stringify({ models: ms })),
      weight: 2,
    },
    { arbitrary: fc.json(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
  );

  it('runs on a random fleet or refuses it with exit 2 and one line naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-fleet-'));
    let n = 0;
    const codes = { 0: 0, 2: 0 };
    await fc.assert(
      fc.asyncProperty(fleetText, async (text) => {
        const file = join(dir, `fleet${n++}.json`);
        writeFileSync(file, text);
        const { code, err } = await runCli([
          'steady',
          '--fleet',
          file,
          '--requests',
          '20',
          '--strategies',
          'adaptive',
        ]);
        expect([0, 2]).toContain(code);
        codes[code as 0 | 2]++;
        if (code === 2) {
          expect(err.trimEnd()).toMatch(new RegExp(`^zeta-sim: fleet${n - 1}\\.json: \\S[^\\n]*$`));
        }
      }),
      { numRuns: 80 },
    );
    expect(codes[0]).toBeGreaterThan(0);
    expect(codes[2]).toBeGreaterThan(0);
  }, 120_000);
});
