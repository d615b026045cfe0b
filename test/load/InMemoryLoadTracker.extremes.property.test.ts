import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZetaError } from '../../src/errors/ZetaError.js';
import { InMemoryLoadTracker } from '../../src/load/index.js';
import type { LearnedStats } from '../../src/types.js';
import { LOG_SPEED_LIMIT } from '../../src/utils/limits.js';

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

/** `c` as the router records it: its finish (with details), then a quality report. */
function record(t: InMemoryLoadTracker, c: Call, now = c.now): void {
  t.recordFinish(c.model, c.task, c.latency, c.ok, now, {
    complexity: c.complexity,
    estimatedTokens: c.estimated,
    usage: { promptTokens: c.prompt, completionTokens: c.completion },
  });
  t.recordQuality(c.model, c.quality, now, { type: c.task, complexity: c.complexity });
}

function fed(calls: readonly Call[]) {
  const t = new InMemoryLoadTracker();
  for (const c of calls) record(t, c);
  return t;
}

const wire = (t: InMemoryLoadTracker, now: number) =>
  JSON.parse(JSON.stringify(t.exportLearned(now)));

const sample: Call = {
  model: 'm',
  task: 'code',
  latency: 100,
  ok: true,
  now: 0,
  complexity: 0.5,
  estimated: 10,
  prompt: 5,
  completion: 5,
  quality: 1,
};

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
        copy.importLearned(wire(t, 2e6), 2e6);
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
        fc.oneof(fc.integer({ min: 0, max: 1e8 }), fc.constantFrom(6e7, 1e12)),
        fc.array(call, { maxLength: 5 }),
        (calls, pick, value, dt, more) => {
          const state = wire(fed(calls), 2e6);
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
          // What it learns on from there, however long after, exports state that imports.
          const later = 2e6 + dt;
          for (const c of more) record(t, c, later);
          new InMemoryLoadTracker().importLearned(wire(t, later), later);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('exports a speed imported at its limit, then driven past it by a call, as state that imports', () => {
    const state = wire(fed([{ ...sample, latency: 100 }]), 0);
    const n = 1e10;
    state.models[0].speed = { n, logRatio: -LOG_SPEED_LIMIT * n * (1 + 0.9e-9) }; // within the slack
    const t = new InMemoryLoadTracker();
    t.importLearned(state, 0);
    t.recordFinish('m', 'code', 1e9, true, 0);
    expectBounded(t.learned('m', 'code', 0, 0));
    expect(() => new InMemoryLoadTracker().importLearned(wire(t, 0), 0)).not.toThrow();
  });

  it('keeps quality within 0..1 when decay takes its sums to subnormal numbers', () => {
    const state = wire(fed([{ ...sample, latency: 100 }]), 0);
    const dt = 6e7; // 1,000 half-lives
    const w = (1.4999999996 / Math.exp((-Math.LN2 / 60_000) * dt)) * 2 ** -1074;
    state.models[0].quality = {
      ok: 0,
      latencyMs: 0,
      failed: 0,
      quality: w * (1 + 1e-9),
      qualityWeight: w,
    };
    const t = new InMemoryLoadTracker();
    t.importLearned(state, 0);
    const out = wire(t, dt);
    expect(t.learned('m', 'code', 0.5, dt + 5)!.quality).toBeLessThanOrEqual(1);
    expect(() => new InMemoryLoadTracker().importLearned(out, dt)).not.toThrow();
  });
});
