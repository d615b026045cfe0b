import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/sim/cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  return { out: () => out.join(''), err: () => err.join('') };
}

/** Writes a JSONL trace of `n` small code requests, one every `everyMs`. */
function writeCodeTrace(file: string, n: number, everyMs: number): void {
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ t: i * everyMs, type: 'code', complexity: 0.2, tokens: 300, priority: 0 }),
    ).join('\n'),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('zeta-sim', () => {
  it('prints the table for a scenario', async () => {
    const io = capture();
    expect(await main(['code-burst', '--requests', '400', '--strategies', 'static,adaptive'])).toBe(
      0,
    );
    expect(io.out()).toMatch(/code-burst: 400 requests, seed 1/);
    expect(io.out()).toMatch(/^pooled .*1\.00x/m);
  });

  it('compares the peer policies by name', async () => {
    const io = capture();
    const peers =
      'litellm-shuffle,litellm-least-busy,litellm-latency,litellm-usage,envoy-p2c,finagle-peak-ewma,portkey-least-latency';
    expect(
      await main(['steady', '--requests', '200', '--strategies', `adaptive,${peers}`, '--json']),
    ).toBe(0);
    const parsed = JSON.parse(io.out());
    expect(parsed.results.map((r: { name: string }) => r.name)).toEqual([
      'adaptive',
      ...peers.split(','),
      'pooled',
    ]);
    vi.restoreAllMocks();
    const bad = capture();
    expect(await main(['steady', '--strategies', 'envoy'])).toBe(2);
    expect(bad.err()).toMatch(/unknown strategy 'envoy': .*envoy-p2c, finagle-peak-ewma/);
  });

  it('replays a Mooncake trace (file or folder), its arrivals spread by the seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-mooncake-'));
    const rows = Array.from(
      { length: 60 },
      (_, i) =>
        `{"timestamp": ${Math.floor(i / 4) * 3000}, "input_length": ${1000 + 900 * i}, "output_length": ${50 + i}, "hash_ids": [${i}]}`,
    );
    writeFileSync(join(dir, 'conversation_trace.jsonl'), `${rows.join('\n')}\n`);
    const runs: unknown[] = [];
    for (const input of [dir, join(dir, 'conversation_trace.jsonl')]) {
      const io = capture();
      expect(await main([input, '--strategies', 'adaptive,envoy-p2c', '--json'])).toBe(0);
      const parsed = JSON.parse(io.out());
      expect(parsed.requests).toBe(60);
      expect(parsed.scenario).toBe('conversation_trace.jsonl');
      runs.push(parsed);
      vi.restoreAllMocks();
    }
    expect(runs[0]).toEqual(runs[1]);
    const io = capture();
    expect(await main([dir, '--seed', '2', '--json', '--strategies', 'static'])).toBe(0);
    expect(JSON.parse(io.out())).not.toEqual(runs[0]);
  });

  it('prints JSON with --json and writes --html and --svg files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-'));
    const io = capture();
    const code = await main([
      'steady',
      '--requests',
      '200',
      '--json',
      '--html',
      join(dir, 'r.html'),
      '--svg',
      join(dir, 'cdf.svg'),
    ]);
    expect(code).toBe(0);
    const parsed = JSON.parse(io.out());
    expect(parsed.results.map((r: { name: string }) => r.name)).toEqual([
      'static',
      'least-loaded',
      'adaptive',
      'pooled',
    ]);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/<svg/);
    expect(readFileSync(join(dir, 'cdf.svg'), 'utf8')).toMatch(/^<svg|^<\?xml/);
  });

  it('replays a JSONL trace file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-'));
    const file = join(dir, 'trace.jsonl');
    writeCodeTrace(file, 50, 100);
    const io = capture();
    expect(await main([file, '--strategies', 'adaptive', '--compress', '1'])).toBe(0);
    expect(io.out()).toMatch(/trace\.jsonl: 50 requests/);
    expect(io.out()).toMatch(/time compressed 1\.00x/);
  });

  it('runs a scenario or a trace on a fleet file (--fleet), warning of requests it cannot serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-'));
    const ln = (median: number) => ({ kind: 'lognormal', median, spread: 2.5 });
    const fleet = [
      {
        id: 'small',
        tasks: ['simple', 'code'],
        home: ['simple'],
        maxComplexity: 0.5,
        concurrency: 4,
        service: { byTask: { simple: ln(250), code: ln(700) } },
      },
      {
        id: 'big',
        tasks: ['code', 'reasoning'],
        home: ['code', 'reasoning'],
        concurrency: 2,
        service: ln(2000),
      },
    ];
    const file = join(dir, 'fleet.json');
    writeFileSync(file, JSON.stringify({ note: 'two models, no embedder', models: fleet }));
    let io = capture();
    expect(
      await main([
        'steady',
        '--fleet',
        file,
        '--requests',
        '300',
        '--strategies',
        'adaptive',
        '--json',
      ]),
    ).toBe(0);
    const parsed = JSON.parse(io.out());
    expect(parsed.models.map((m: { id: string }) => m.id)).toEqual(['small', 'big']);
    const report = parsed.results[0].report;
    const embeddings = report.errors.NO_CAPABLE_MODEL;
    expect(embeddings).toBeGreaterThan(20);
    expect(Object.keys(report.errors)).toEqual(['NO_CAPABLE_MODEL']);
    expect(report.latencyByType.embedding).toBeUndefined();
    expect(report.ok).toBe(300 - embeddings);
    expect(io.err()).toContain(
      `zeta-sim: warning: ${embeddings} requests have no capable model in the fleet ('embedding' ${embeddings}): they fail with NO_CAPABLE_MODEL whatever the strategy`,
    );
    vi.restoreAllMocks();
    // A trace is compressed for the given fleet, not the default one.
    const trace = join(dir, 'trace.jsonl');
    writeCodeTrace(trace, 80, 1000);
    const compressed = async (args: string[]): Promise<number> => {
      const run = capture();
      expect(await main([trace, '--strategies', 'adaptive', ...args])).toBe(0);
      vi.restoreAllMocks();
      return Number(/time compressed ([\d.]+)x/.exec(run.out())![1]);
    };
    const onDefault = await compressed([]);
    io = capture();
    expect(await main([trace, '--strategies', 'adaptive', '--fleet', file])).toBe(0);
    expect(io.out()).toMatch(/^fleet: fleet\.json \(2 models\)$/m);
    expect(io.err()).not.toMatch(/warning/);
    vi.restoreAllMocks();
    expect(await compressed(['--fleet', file])).not.toBeCloseTo(onDefault, 1);
  });

  it('refuses a bad fleet file on one line naming the file and its problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-'));
    const cases: Array<[string, RegExp]> = [
      [
        '[{',
        /^zeta-sim: f\.json: the text is not JSON \(.+\): give an array of model specs, or \{ "models": \[\.\.\.\] \}$/,
      ],
      ['{"fleet": []}', /^zeta-sim: f\.json: models must be a non-empty array of model specs, got/],
      [
        JSON.stringify(
          Array.from({ length: 4 }, (_, i) => ({ id: `m${i}`, tasks: [], concurrency: 0 })),
        ),
        /^zeta-sim: f\.json: models\[0\]\.tasks must be .+; models\[0\]\.concurrency must be .+ \(and \d+ more\)$/,
      ],
    ];
    // A hand-edited file: pretty-printed, with a trailing comma (the parser quotes its lines).
    cases.push([
      `${JSON.stringify([{ id: 'a', tasks: ['simple'], concurrency: 1, service: { kind: 'constant', value: 5 } }], null, 2).slice(0, -2)},\n]\n`,
      /^zeta-sim: f\.json: the text is not JSON \(.+\): give an array of model specs/,
    ]);
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'f.json'), text);
      const io = capture();
      expect(await main(['steady', '--fleet', join(dir, 'f.json')])).toBe(2);
      expect(io.err().trimEnd().split('\n')).toHaveLength(1);
      expect(io.err().trimEnd()).toMatch(message);
      vi.restoreAllMocks();
    }
    const io = capture();
    expect(await main(['steady', '--fleet', join(dir, 'none.json')])).toBe(2);
    expect(io.err()).toMatch(
      /--fleet .*none\.json: no such file; give a JSON file of model specs\n\nUsage/,
    );
    vi.restoreAllMocks();
    const folder = capture();
    expect(await main(['steady', '--fleet', dir])).toBe(2);
    expect(folder.err()).toMatch(
      /--fleet .+: is a directory; give a JSON file of model specs\n\nUsage/,
    );
  });

  it('says what is wrong with bad input and exits 2', async () => {
    for (const args of [
      [],
      ['no-such-scenario'],
      ['steady', '--seed', 'x'],
      ['steady', '--requests', '0'],
      ['steady', '--strategies', 'fastest'],
      ['steady', '--bogus'],
    ]) {
      const io = capture();
      expect(await main(args)).toBe(2);
      expect(io.err()).toMatch(/zeta-sim: .+\n\nUsage: zeta-sim/);
      vi.restoreAllMocks();
    }
  });

  it('lists the scenarios and shows help', async () => {
    const io = capture();
    expect(await main(['--list'])).toBe(0);
    expect(io.out()).toMatch(/^code-burst\s+80% code/m);
    expect(await main(['--help'])).toBe(0);
    expect(io.out()).toMatch(/Usage: zeta-sim/);
  });
});

describe('zeta-sim trace inputs', () => {
  const header = 'TIMESTAMP,ContextTokens,GeneratedTokens';
  const rows = (n: number, tokens: number) =>
    [
      header,
      ...Array.from(
        { length: n },
        (_, i) => `2023-11-16 18:00:${String(i).padStart(2, '0')}.0000000,${tokens},20`,
      ),
    ].join('\n');

  it('merges code and conversation files by name, in either order, and keeps the first N in time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-'));
    writeFileSync(join(dir, 'code.csv'), rows(30, 1000));
    writeFileSync(join(dir, 'conv.csv'), rows(30, 300));
    const io = capture();
    expect(
      await main([
        join(dir, 'conv.csv'),
        join(dir, 'code.csv'),
        '--requests',
        '20',
        '--json',
        '--strategies',
        'adaptive',
      ]),
    ).toBe(0);
    const parsed = JSON.parse(io.out());
    expect(parsed.requests).toBe(20);
    const byType = parsed.results[0].report.latencyByType;
    expect(byType.code.count).toBe(10);
    expect(byType.simple.count).toBe(10);
  });

  it('refuses a folder missing one of the two files, and an empty trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeta-sim-'));
    writeFileSync(join(dir, 'code.csv'), rows(5, 1000));
    let io = capture();
    expect(await main([dir])).toBe(2);
    expect(io.err()).toMatch(
      /must hold conversation_trace\.jsonl, or both code\.csv and conv\.csv \(missing conv\.csv\)/,
    );
    vi.restoreAllMocks();
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    io = capture();
    expect(await main([empty])).toBe(2);
    expect(io.err()).toMatch(/the trace has no requests/);
  });
});

describe('zeta-sim input bounds (#8)', () => {
  /** Runs the CLI, returning the exit code and stderr. */
  async function run(args: readonly string[]): Promise<{ code: number; err: string; out: string }> {
    const io = capture();
    try {
      const code = await main(args);
      return { code, err: io.err(), out: io.out() };
    } finally {
      vi.restoreAllMocks();
    }
  }

  it.each([
    [
      ['steady', '--requests', '1000000000000'],
      "--requests must be an integer from 1 to 1,000,000 (every request is held in memory), got '1000000000000'",
    ],
    [['steady', '--requests', '1000001'], '--requests must be an integer from 1 to 1,000,000'],
    [
      ['steady', '--requests', ''],
      "--requests must be an integer from 1 to 1,000,000 (every request is held in memory), got ''",
    ],
    [['steady', '--requests', '1e3'], "got '1e3'"],
    [['steady', '--requests', '0x10'], "got '0x10'"],
    [['steady', '--seed', '1.5'], "--seed must be an integer from 0 to 4294967295, got '1.5'"],
    [['steady', '--seed=-1'], "--seed must be an integer from 0 to 4294967295, got '-1'"],
    [['steady', '--seed', '4294967296'], '--seed must be an integer from 0 to 4294967295'],
    [['steady', '--seed', ''], "--seed must be an integer from 0 to 4294967295, got ''"],
    [['steady', '--utilization', '10'], '--utilization must be a number above 0 and below 10'],
    [
      ['steady', '--utilization', 'Infinity'],
      "--utilization must be a number above 0 and below 10 (0.7 is 70%), got 'Infinity'",
    ],
    [
      ['steady', '--compress', '0'],
      "--compress must be a number from 0.001 to 1,000,000 (1 = real time), got '0'",
    ],
    [['steady', '--compress', '1e308'], '--compress must be a number from 0.001 to 1,000,000'],
    [['steady', '--compress', 'NaN'], '--compress must be a number from 0.001 to 1,000,000'],
    [
      ['steady', '--type', 'a b'],
      '--type must be a task type of 1 to 64 characters without spaces',
    ],
    [['steady', '--strategies', ','], '--strategies is empty'],
    [
      ['steady', '--strategies', Array(11).fill('static').join(',')],
      '--strategies lists 11 strategies; at most 10',
    ],
    [['steady', '--strategies', '.'], "unknown strategy '.'"],
  ])('refuses %j with a usage error (exit 2, one line, then the usage)', async (args, message) => {
    const started = performance.now();
    const { code, err } = await run(args);
    expect(code).toBe(2);
    const [first, blank, usage] = err.split('\n');
    expect(first).toMatch(/^zeta-sim: \S/);
    expect(first).toContain(message);
    expect(blank).toBe('');
    expect(usage).toMatch(/^Usage: zeta-sim/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a huge --requests before allocating: no V8 abort even on a 64 MB heap', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=64',
        '--import',
        'tsx',
        'src/sim/cli.ts',
        'steady',
        '--requests',
        '1000000000000',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      "zeta-sim: --requests must be an integer from 1 to 1,000,000 (every request is held in memory), got '1000000000000'",
    );
  });

  function traceFile(name: string, text: string): string {
    const file = join(mkdtempSync(join(tmpdir(), 'zeta-sim-')), name);
    writeFileSync(file, text);
    return file;
  }

  it.each([
    [
      'trace.jsonl',
      '{"t":1e308,"type":"code","complexity":0.2,"tokens":10}\n',
      "zeta-sim: trace.jsonl: line 1: field 't' must be a number from 0 to 1000000000000 (milliseconds), got 1e+308",
    ],
    [
      'trace.jsonl',
      '{"t":0,"type":"code","complexity":0.2,"tokens":1e12}\n',
      "zeta-sim: trace.jsonl: line 1: field 'tokens' must be an integer from 0 to 10000000, got 1000000000000",
    ],
    [
      'code.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00,10,1\n2023-13-45 99:99:99,10,1\n',
      "zeta-sim: code.csv: line 3: field 'TIMESTAMP' must be a real UTC date and time",
    ],
    [
      'code.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-29 18:00:00,10,1\n',
      "zeta-sim: code.csv: line 2: field 'TIMESTAMP' must be a real UTC date and time",
    ],
    [
      'code.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n1970-01-01 00:00:00,10,1\n9999-01-01 00:00:00,10,1\n',
      "zeta-sim: code.csv: line 3: field 'TIMESTAMP' is",
    ],
  ])(
    'refuses bad trace content in %s with one line naming file, line and field (exit 2)',
    async (name, text, message) => {
      const { code, err } = await run([
        traceFile(name, text),
        '--requests',
        '5',
        '--strategies',
        'static',
      ]);
      expect(code).toBe(2);
      expect(err.startsWith(message)).toBe(true);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
    },
  );

  it('replays a trace whose requests all arrive at once (no time to compress)', async () => {
    const line = JSON.stringify({ t: 5, type: 'code', complexity: 0.2, tokens: 300 });
    const { code, out } = await run([
      traceFile('burst.jsonl', `${line}\n${line}\n${line}\n`),
      '--strategies',
      'static',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/time compressed 1\.00x/);
  });
});
