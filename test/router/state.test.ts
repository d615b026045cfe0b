import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZetaError, type ZetaError } from '../../src/errors/ZetaError.js';
import type { LearnedState } from '../../src/load/learnedState.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { ManualClock } from '../helpers/manualClock.js';
import { fleet } from './fixtures.js';

const code = { type: 'code', complexity: 0.6 } as const;
const ids = ['coder-7b', 'embedder-4b', 'reasoner-14b'] as const;

/** A router that has served a few calls: something learned to export. */
async function trained() {
  const f = fleet();
  for (let i = 0; i < 3; i++) {
    const done = f.router.run('x', { task: code });
    await f.clock.advance(100 * (i + 1));
    await f.coder.finishAll();
    await f.reasoner.finishAll();
    await done;
  }
  f.router.reportQuality('coder-7b', 0.5, code);
  return f;
}

function thrown(fn: () => unknown): ZetaError {
  try {
    fn();
  } catch (error) {
    if (isZetaError(error)) return error;
    throw error;
  }
  throw new Error('expected a ZetaError');
}

const count = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });
const share = fc.double({ min: 0, max: 1, noNaN: true });
/** Decayed sums as calls make them: each sum is its count times a mean one call could give. */
const evidence = fc
  .record({ ok: count, meanMs: count, failed: count, qualityWeight: count, share })
  .map(({ share, meanMs, ...e }) => ({
    ...e,
    latencyMs: e.ok * meanMs,
    quality: e.qualityWeight * share,
  }));
const fit = fc
  .record({ n: count, x: count, y: count, xx: count, xy: count })
  .map(({ n, x, y, xx, xy }) => ({ n, sx: n * x, sy: n * y, sxx: n * xx, sxy: n * xy }));
const tasks = fc.uniqueArray(fc.constantFrom('code', 'simple', 'reasoning', 'embedding', 'x'), {
  maxLength: 4,
});
/** Arbitrary valid state for the fixture fleet's models. */
const arbState: fc.Arbitrary<LearnedState> = fc
  .record({
    models: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 3 }).chain((ms) =>
      fc.tuple(
        ...ms.map((id) =>
          fc.record({
            id: fc.constant(id),
            quality: evidence,
            tasks: tasks.chain((ts) =>
              fc.tuple(
                ...ts.map((task) =>
                  fc.record({
                    task: fc.constant(task),
                    all: evidence,
                    bands: fc.array(evidence, { minLength: 4, maxLength: 4 }),
                    tokens: fit,
                  }),
                ),
              ),
            ),
          }),
        ),
      ),
    ),
    calibration: tasks.chain((ts) =>
      fc.tuple(
        ...ts.map((task) =>
          fc.record({ n: count, e: count, p: count, c: count }).map(({ n, e, p, c }) => ({
            task,
            n,
            estimated: n * e,
            prompt: n * p,
            completion: n * c,
          })),
        ),
      ),
    ),
  })
  .map((x) => ({
    format: 'zeta-router/learned-state' as const,
    version: 1 as const,
    bands: 4,
    models: x.models,
    calibration: x.calibration,
  }));

describe('ZetaDynamicRouter: exportState / importState', () => {
  it('exports what was learned as versioned JSON data', async () => {
    const { router } = await trained();
    const state = router.exportState();
    expect(state.format).toBe('zeta-router/learned-state');
    expect(state.version).toBe(2);
    expect(state.models.find((m) => m.id === 'coder-7b')!.speed!.n).toBeGreaterThan(0);
    expect(state.fleet!.map((f) => f.task)).toContain('code');
    const coder = state.models.find((m) => m.id === 'coder-7b')!;
    const learned = coder.tasks.find((t) => t.task === 'code')!;
    expect(learned.all.ok + learned.all.failed).toBeGreaterThan(0);
    expect(coder.quality.qualityWeight).toBe(1);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('round-trips: export, import into a fresh router, export gives the same JSON', async () => {
    const { router } = await trained();
    const json = JSON.stringify(router.exportState());
    const fresh = fleet().router;
    expect(fresh.importState(json)).toEqual({ models: expect.any(Array), skipped: [] });
    expect(JSON.stringify(fresh.exportState())).toBe(json);
    // The learning reaches the strategy: explain() of the fresh router sees the evidence.
    const ranking = fresh.explain(code).ranking;
    const coder = ranking.find((r) => r.id === 'coder-7b')!;
    expect(coder.components.evidence).toBeGreaterThan(0);
  });

  it('round-trips a fleet level below 0 (a slow model alone on a fast task type)', async () => {
    const clock = new ManualClock();
    const latency: Record<string, Record<string, number>> = {
      fast: { a: 100 },
      slow: { a: 1500, b: 1 },
    };
    const model = (id: string, tasks: string[]) => ({
      id,
      tasks,
      concurrency: 4,
      maxQueue: 1000,
      call: (req: string) =>
        new Promise<string>((resolve) => clock.setTimeout(() => resolve(id), latency[id]![req]!)),
    });
    const router = new ZetaDynamicRouter<string, string>({
      clock,
      models: [model('fast', ['a']), model('slow', ['a', 'b'])],
    });
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const type = i < 100 || i % 2 === 1 ? 'a' : 'b'; // b, served by the slow model only, comes later
      runs.push(router.run(type, { task: { type, complexity: 0.5 } }));
      await clock.advance(200);
    }
    await clock.advance(10_000);
    await Promise.all(runs);
    const state = router.exportState();
    expect(state.fleet!.find((f) => f.task === 'b')!.all.logLatency).toBeLessThan(0);
    const json = JSON.stringify(state);
    router.importState(json);
    expect(JSON.stringify(router.exportState())).toBe(json);
    await router.close();
  });

  it('round-trips any valid state (property)', () => {
    fc.assert(
      fc.property(arbState, (state) => {
        const a = fleet().router;
        a.importState(state);
        const json = JSON.stringify(a.exportState());
        const b = fleet().router;
        b.importState(json);
        expect(JSON.stringify(b.exportState())).toBe(json);
      }),
      { numRuns: 60 },
    );
  });

  it('never half-applies corrupted state (property)', () => {
    const bad = fc.constantFrom<unknown>(
      Number.NaN,
      -1,
      1e300,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.POSITIVE_INFINITY,
      'x',
      null,
      {},
      [],
      undefined,
    );
    fc.assert(
      fc.property(arbState, arbState, fc.nat(), bad, (before, state, pick, value) => {
        const { router } = fleet();
        router.importState(before);
        const kept = JSON.stringify(router.exportState());
        const copy = structuredClone(state) as unknown as Record<string, unknown>;
        // Every place in the state, by path; one is replaced by a bad value (or deleted).
        const paths: (string | number)[][] = [];
        const walk = (x: unknown, path: (string | number)[]) => {
          if (path.length > 0) paths.push(path);
          if (typeof x === 'object' && x !== null)
            for (const [k, v] of Object.entries(x))
              walk(v, [...path, Array.isArray(x) ? Number(k) : k]);
        };
        walk(copy, []);
        const path = paths[pick % paths.length]!;
        let parent: Record<string | number, unknown> = copy;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        if (value === undefined) delete parent[last];
        else parent[last] = value;
        try {
          router.importState(copy as never);
        } catch (error) {
          expect(isZetaError(error) && error.code).toBe('STATE_INVALID');
          expect(JSON.stringify(router.exportState())).toBe(kept);
          return;
        }
        // What was accepted prices every model with finite figures.
        for (const type of ['code', 'simple', 'reasoning', 'x'])
          for (const r of router.explain({ type, complexity: 0.6 }).ranking)
            for (const v of [r.score, ...Object.values(r.components)])
              expect(Number.isFinite(v), `${r.id} ${type}: ${JSON.stringify(r)}`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects foreign, versioned-away and malformed state with STATE_INVALID, saying what', async () => {
    const { router } = await trained();
    const before = JSON.stringify(router.exportState());
    const good = router.exportState();
    const task0 = good.models[0]!.tasks[0]!;
    const huge = { ...task0.all, ok: 1, latencyMs: 1e308 };
    const cases: [unknown, RegExp][] = [
      ['{not json', /not JSON/],
      [42, /must be an object, got 42/],
      [{ ...good, format: 'other' }, /format must be 'zeta-router\/learned-state'/],
      [{ ...good, version: 3 }, /version must be 1 or 2, got 3/],
      [{ ...good, version: 1 }, /unknown key 'fleet'/],
      [
        { ...good, models: [{ ...good.models[0]!, speed: { n: 1, logRatio: Number.NaN } }] },
        /models\[0\]\.speed\.logRatio must be a finite number, got NaN/,
      ],
      [
        { ...good, fleet: [{ task: 'code', all: { n: 1, latencyMs: 5 }, bands: [] }] },
        /fleet\[0\]\.all\.logLatency must be/,
      ],
      [{ ...good, bands: 3 }, /bands must be 4, got 3/],
      [{ ...good, models: 'no' }, /state\.models must be an array/],
      [{ ...good, extra: 1 }, /unknown key 'extra'/],
      [
        {
          ...good,
          models: [{ ...good.models[0]!, quality: { ...good.models[0]!.quality, ok: Number.NaN } }],
        },
        /models\[0\]\.quality\.ok must be a finite number >= 0, got NaN/,
      ],
      [{ ...good, models: [good.models[0]!, good.models[0]!] }, /appears twice/],
      // Sums no calls could have made: each would price a model at an overflowing figure.
      [
        { ...good, models: [{ ...good.models[0]!, tasks: [{ ...task0, all: huge }] }] },
        /models\[0\]\.tasks\[0\]\.all\.latencyMs \(1e\+308\) must be within 0\.\.1000000000 ms times its ok \(1\)/,
      ],
      [
        { ...good, models: [{ ...good.models[0]!, speed: { n: 1, logRatio: 1e6 } }] },
        /models\[0\]\.speed\.logRatio \(1000000\) must be within ±20\.72 times its n/,
      ],
      [
        {
          ...good,
          fleet: [{ ...good.fleet![0]!, all: { n: 1e-300, latencyMs: 1e10, logLatency: 0 } }],
        },
        /fleet\[0\]\.all\.latencyMs \(10000000000\) must be within/,
      ],
    ];
    for (const [input, message] of cases) {
      const error = thrown(() => router.importState(input as never));
      expect(error.code).toBe('STATE_INVALID');
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/Nothing was imported/);
      expect(JSON.stringify(router.exportState())).toBe(before);
    }
  });

  it('reads a version 1 state (before speeds and fleet levels): what it has, with speeds fresh', async () => {
    const { router } = await trained();
    const v2 = router.exportState();
    const v1 = {
      ...v2,
      version: 1 as const,
      fleet: undefined,
      models: v2.models.map(({ speed: _speed, ...m }) => m),
    };
    const fresh = fleet().router;
    fresh.importState(JSON.stringify(v1));
    const back = fresh.exportState();
    expect(back.version).toBe(2);
    expect(back.models.map((m) => m.tasks)).toEqual(v2.models.map((m) => m.tasks));
    expect(back.models.every((m) => m.speed!.n === 0)).toBe(true);
    expect(back.fleet).toEqual([]);
  });

  it('skips state of models the router does not have, or rejects it with unknownModels: error', async () => {
    const { router } = await trained();
    const state = router.exportState();
    const renamed = {
      ...state,
      models: [...state.models, { ...state.models[0]!, id: 'gone-model' }],
    };
    const fresh = fleet().router;
    const error = thrown(() => fresh.importState(renamed, { unknownModels: 'error' }));
    expect(error.code).toBe('STATE_INVALID');
    expect(error.message).toMatch(/model 'gone-model' is not in the router/);
    expect(error.message).toMatch(/unknownModels: 'skip'/);
    expect(error.message).not.toMatch(/pass what exportState/);
    expect(fresh.exportState().models).toEqual([]);
    const result = fresh.importState(renamed);
    expect(result.skipped).toEqual(['gone-model']);
    expect(result.models).toEqual(state.models.map((m) => m.id));
    expect(fresh.exportState().models.map((m) => m.id)).not.toContain('gone-model');
  });

  it('rejects bad options with CONFIG_INVALID', () => {
    const { router } = fleet();
    const state = router.exportState();
    const cases: [unknown, RegExp][] = [
      [{ unknownModels: 'drop' }, /`unknownModels` must be 'skip' or 'error', got "drop"/],
      [{ unknwonModels: 'skip' }, /unknown option `unknwonModels`/],
      ['skip', /options must be an object/],
    ];
    for (const [options, message] of cases) {
      const error = thrown(() => router.importState(state, options as never));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toMatch(message);
    }
  });

  it('says a custom tracker without state support cannot export or import', () => {
    const { router } = fleet({
      tracker: {
        recordArrival() {},
        recordStart() {},
        recordFinish() {},
        latency: () => ({
          count: 0,
          mean: Number.NaN,
          p50: Number.NaN,
          p95: Number.NaN,
          p99: Number.NaN,
        }),
        modelStats: () => ({ inFlight: 0, errorRate: 0, throughput: 0, completed: 0, failed: 0 }),
        arrivals: () => ({ rate: 0, forecast: 0, trend: 0, horizonMs: 0 }),
        snapshot: (at) => ({ at, windowMs: 0, models: [], arrivals: [] }),
        removeModel() {},
      },
    });
    expect(thrown(() => router.exportState()).message).toMatch(/exportLearned and importLearned/);
    expect(thrown(() => router.importState('{}')).code).toBe('CONFIG_INVALID');
  });
});
