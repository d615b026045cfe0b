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
    writeFileSync(
      file,
      Array.from({ length: 50 }, (_, i) =>
        JSON.stringify({ t: i * 100, type: 'code', complexity: 0.2, tokens: 300, priority: 0 }),
      ).join('\n'),
    );
    const io = capture();
    expect(await main([file, '--strategies', 'adaptive', '--compress', '1'])).toBe(0);
    expect(io.out()).toMatch(/trace\.jsonl: 50 requests/);
    expect(io.out()).toMatch(/time compressed 1\.00x/);
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
    expect(io.err()).toMatch(/must hold both code\.csv and conv\.csv \(missing conv\.csv\)/);
    vi.restoreAllMocks();
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    io = capture();
    expect(await main([empty])).toBe(2);
    expect(io.err()).toMatch(/the trace has no requests/);
  });
});
