// Runs every example script the way a reader would (tsx, from the package root) and checks the
// lines it exists to show, so the examples cannot rot. No network: tsx comes from node_modules.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const exec = promisify(execFile);

/** `node --import tsx examples/<name>.ts [...args]` from the package root; its stdout. */
async function runExample(name: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec(
    process.execPath,
    ['--import', 'tsx', `examples/${name}`, ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 25_000,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  return stdout;
}

describe.concurrent('examples', () => {
  it('quick-start.ts: a code burst fills the coder and spills to the reasoner', async () => {
    const out = await runExample('quick-start.ts');
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(
      lines.filter((l) => /^coder-7b +home +coder-7b answered/.test(l)).length,
    ).toBeGreaterThan(0);
    expect(
      lines.filter((l) => /^reasoner-14b +spilled +reasoner-14b answered/.test(l)).length,
    ).toBeGreaterThan(0);
  });

  it('wrap-existing-clients.ts: shapes, reasons, events, CAPACITY_EXCEEDED and TIMEOUT', async () => {
    const out = await runExample('wrap-existing-clients.ts');
    expect(out).toContain('string prompt: served by coder-7b');
    expect(out).toContain('{ messages } chat: served by reasoner-14b');
    expect(out).toContain('{ input } embedding: served by embedder-4b');
    expect(out).toMatch(/task code \(complexity [\d.]+\), binding 'start'/);
    expect(out).toMatch(/score \d+: .+\n +components: waitMs 0, serviceMs 120\b/);
    expect(out).toContain("excluded: embedder-4b (does not serve 'code')");
    expect(out).toMatch(
      /\[dispatch\] #\d+ code -> reasoner-14b \(attempt 1, waited \d+ms, spilled\)/,
    );
    expect(out).toMatch(/\[complete\] #\d+ on coder-7b/);
    expect(out).toMatch(/\[overflow\] #\d+ code \(home coder-7b\): spilled to reasoner-14b/);
    expect(out).toMatch(/\[overflow\] #\d+ code \(home coder-7b\): waits for a slot, \d+ waiting/);
    expect(out).toContain("CAPACITY_EXCEEDED: No room for a 'code' request");
    expect(out).toMatch(/burst outcome: .*reasoner-14b \d+.*CAPACITY_EXCEEDED \d+/);
    expect(out).toContain('(client saw the abort: TIMEOUT)');
    expect(out).toContain('TIMEOUT: The request did not settle within 100ms');
    expect(out).toContain('router closed: every request settled.');
  });

  it('custom-classifier.ts: app classifier, extra cues, per-call task', async () => {
    const out = await runExample('custom-classifier.ts');
    expect(out).toContain(
      'fix-bug (2 files) -> code, complexity 0.2, priority 1: served by coder-7b',
    );
    expect(out).toContain(
      'fix-bug (9 files) -> code, complexity 0.9, priority 1: served by reasoner-14b',
    );
    expect(out).toContain(
      'index-docs (0 files) -> embedding, complexity 0, priority 0: served by embedder-4b',
    );
    expect(out).toContain('explain: coder-7b complexity 0.9 is above its maxComplexity 0.6');
    expect(out).toContain(
      '"Write a terraform module for an S3 bucket with versioning": default rules say simple, with extra cues code -> coder-7b',
    );
    expect(out).toContain(
      '"What is the capital of Portugal?": default rules say simple, with extra cues simple',
    );
    expect(out).toContain("{ task: 'reasoning' } -> reasoner-14b (complexity 0)");
    expect(out).toContain(
      "{ task: { type: 'code', complexity: 0.9 } } -> reasoner-14b (coder-7b: complexity 0.9 is above its maxComplexity 0.6)",
    );
  });

  it('custom-strategy.ts: explain() ranking and the burst', async () => {
    const out = await runExample('custom-strategy.ts');
    expect(out).toContain('cheapest-within-slo, SLO 200ms');
    expect(out).toMatch(/embedder-4b +score 0\.2: prior 150ms, fits the 200ms SLO at cost 0\.2/);
    expect(out).toMatch(/coder-7b +score OUTSIDE_SLO \+ \d+: .*misses the 200ms SLO/);
    expect(out).toMatch(/burst served by: .*embedder-4b \d+.*coder-7b \d+.*reasoner-14b \d+/);
  });

  it('demo.ts --fast: static vs adaptive table', async () => {
    const out = await runExample('demo.ts', '--fast');
    expect(out).toMatch(/^adaptive +coder-7b +\d+/m);
    expect(out).toMatch(/^static +reasoner-14b +\d+/m);
    expect(out).toMatch(/adaptive p95 is [\d.]+x lower than static/);
  });

  it('demo.ts --http --fast: three loopback servers, static vs adaptive over real HTTP', async () => {
    const out = await runExample('demo.ts', '--http', '--fast');
    expect(out).toMatch(
      /^zeta-router demo over HTTP: coder-7b at http:\/\/127\.0\.0\.1:\d+, embedder-4b at http:\/\/127\.0\.0\.1:\d+, reasoner-14b at http:\/\/127\.0\.0\.1:\d+$/m,
    );
    for (const strategy of ['static', 'adaptive'])
      for (const model of ['coder-7b', 'embedder-4b', 'reasoner-14b'])
        expect(out).toMatch(
          new RegExp(`^${strategy} +${model} +\\d+ +(\\d+|-) +(\\d+|-) +\\d+ +\\d+$`, 'm'),
        );
    const totals = out.match(/^ +all +60 +\d+ +\d+ +spills \d+, errors 0, [\d.]+ s$/gm);
    expect(totals).toHaveLength(2);
    expect(out).toMatch(/^adaptive p95 is [\d.]+x (lower|higher) than static over HTTP/m);
    expect(out.trim().endsWith('servers stopped.')).toBe(true);
  });

  it('demo.ts --fast --live: plain frames (no terminal) of load bars, p95, health and spills', async () => {
    const out = await runExample('demo.ts', '--fast', '--live');
    expect(out.includes('\u001b[')).toBe(false); // not a TTY: no escape codes
    expect(out).toMatch(/^adaptive \(adaptive\)$/m);
    expect(out).toMatch(
      /^ {2}coder-7b +\[[█·]{12}\] +\d+\/4 +\+ *\d+ queued +\d+ waiting +p95 +(\d+ ms|-) +healthy$/m,
    );
    expect(out).toMatch(
      /^ {2}served 90, spilled \d+ \(\d+%\), errors 0, admission queue \d+\/600$/m,
    );
    expect(out).toMatch(/\(done\)/);
  });
});
