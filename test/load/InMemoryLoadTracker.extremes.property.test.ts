import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZetaError } from '../../src/errors/ZetaError.js';
import { InMemoryLoadTracker } from '../../src/load/index.js';
import type { LearnedStats } from '../../src/types.js';

const CEILING_MS = 1e9;

/** Every figure of `s` is NaN (not known) or finite and within what its doc promises. */
function expectBounded(s: LearnedStats | undefined): void {
  if (s === undefined) return;
  for (const [key, v] of Object.entries(s)) {
    if (Number.isNaN(v)) continue;
    expect(Number.isFinite(v), `${key} = ${v}`).toBe(true);
    expect(v, key).toBeGreaterThanOrEqual(key === 'band' ? -1 : 0);
  }
  for (const key of [
    'bandMeanMs',
    'taskMeanMs',
    'tokenBaseMs',
    'msPerOutputToken',
    'fleetMeanMs',
  ] as const)
    if (!Number.isNaN(s[key])) expect(s[key], key).toBeLessThanOrEqual(CEILING_MS);
  if (!Number.isNaN(s.speed)) {
    expect(s.speed).toBeGreaterThanOrEqual(1 / CEILING_MS - 1e-18);
    expect(s.speed).toBeLessThanOrEqual(CEILING_MS * (1 + 1e-9));
  }
}

const anyNumber = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(Number.NaN, Number.MAX_VALUE, Number.MIN_VALUE, 1e300, -0),
  fc.integer({ min: 0, max: 1e6 }),
);
const call = fc.record({
  model: fc.constantFrom('m', 'n'),
  task: fc.constantFrom('code', 'chat'),
  latency: anyNumber,
  ok: fc.boolean(),
  now: fc.integer({ min: 0, max: 1e6 }),
  complexity: anyNumber,
  estimated: anyNumber,
  prompt: anyNumber,
  completion: anyNumber,
  quality: fc.oneof(anyNumber, fc.double({ min: 0, max: 1, noNaN: true })),
});

type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

function fed(calls: readonly Call[]) {
  const t = new InMemoryLoadTracker();
  for (const c of calls) {
    t.recordFinish(c.model, c.task, c.latency, c.ok, c.now, {
      complexity: c.complexity,
      estimatedTokens: c.estimated,
      usage: { promptTokens: c.prompt, completionTokens: c.completion },
    });
    t.recordQuality(c.model, c.quality, c.now, { type: c.task, complexity: c.complexity });
  }
  return t;
}

const reads = (t: InMemoryLoadTracker) =>
  ['m', 'n'].flatMap((m) =>
    ['code', 'chat', 'new'].flatMap((task) => [0, 0.5, 1].map((x) => t.learned(m, task, x, 2e6))),
  );

describe('InMemoryLoadTracker: learned figures at the extremes (properties)', () => {
  it('stay finite and within bounds whatever calls report, and export state that imports', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 40 }), (calls) => {
        const t = fed(calls);
        for (const s of reads(t)) expectBounded(s);
        const copy = new InMemoryLoadTracker();
        copy.importLearned(JSON.parse(JSON.stringify(t.exportLearned(2e6))), 2e6);
        for (const s of reads(copy)) expectBounded(s);
      }),
      { numRuns: 200 },
    );
  });

  it('stay finite and within bounds after importing any state the checker accepts', () => {
    fc.assert(
      fc.property(
        fc.array(call, { minLength: 1, maxLength: 20 }),
        fc.nat(),
        anyNumber,
        (calls, pick, value) => {
          const state = JSON.parse(JSON.stringify(fed(calls).exportLearned(2e6)));
          // Every number in the state, by path; one is replaced.
          const places: [Record<string, unknown>, string][] = [];
          const walk = (x: unknown) => {
            if (typeof x !== 'object' || x === null) return;
            for (const [k, v] of Object.entries(x)) {
              if (typeof v === 'number' && k !== 'version' && k !== 'bands')
                places.push([x as Record<string, unknown>, k]);
              walk(v);
            }
          };
          walk(state);
          if (places.length === 0) return;
          const [parent, key] = places[pick % places.length]!;
          parent[key] = value;
          const t = new InMemoryLoadTracker();
          try {
            t.importLearned(state, 2e6);
          } catch (error) {
            expect(isZetaError(error) && error.code).toBe('STATE_INVALID');
            return;
          }
          for (const s of reads(t)) expectBounded(s);
        },
      ),
      { numRuns: 300 },
    );
  });
});
