import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZetaError } from '../../../src/errors/ZetaError.js';
import { readFleet, unservedByFleet } from '../../../src/sim/models/readFleet.js';
import { canServe } from '../../../src/sim/models/serving.js';
import type { SimModelSpec } from '../../../src/sim/models/spec.js';
import type { SimRequest } from '../../../src/sim/types.js';
import { coder, req } from './fixture.js';

function problemsOf(text: string): readonly string[] {
  try {
    readFleet(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ZetaError);
    expect((error as ZetaError).code).toBe('CONFIG_INVALID');
    return (error as ZetaError).problems;
  }
  throw new Error(`readFleet accepted ${text}`);
}

describe('readFleet', () => {
  it('reads an array of specs, or one under `models`', () => {
    expect(readFleet(JSON.stringify([coder]))).toEqual([coder]);
    expect(readFleet(JSON.stringify({ note: 'ours', models: [coder] }))).toEqual([coder]);
  });

  it('names every problem: not JSON, no array, bad specs, duplicate ids', () => {
    expect(problemsOf('[{')[0]).toMatch(
      /^the text is not JSON \(.+\): give an array of model specs/,
    );
    expect(problemsOf('{"fleet": []}')).toEqual([
      expect.stringMatching(/^models must be a non-empty array of model specs, got/),
    ]);
    const bad = problemsOf(
      JSON.stringify([{ ...coder, concurrency: 0, servise: 1 }, coder, coder]),
    );
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unknown option `models\[0\]\.servise`/),
        expect.stringMatching(
          /^models\[0\]\.concurrency must be an integer from 1 to 100,000, got 0/,
        ),
        `models[2].id '${coder.id}' is used by an earlier model`,
      ]),
    );
  });

  it('refuses specs no simulation can run: huge spread or concurrency, negative times, prototype task names', () => {
    const spec = (over: object) => JSON.stringify([{ ...coder, ...over }]);
    expect(
      problemsOf(spec({ service: { kind: 'lognormal', median: 100, spread: 1e200 } })),
    ).toEqual([
      'models[0].service.spread must be a number from 1 to 1000 (p95 / median), got 1e+200',
    ]);
    expect(problemsOf(spec({ concurrency: 1e9 }))).toEqual([
      'models[0].concurrency must be an integer from 1 to 100,000, got 1000000000',
    ]);
    expect(problemsOf(spec({ service: { kind: 'constant', value: -100 } }))).toEqual([
      'models[0].service.value must be a service time >= 0, got -100',
    ]);
    expect(problemsOf(spec({ tasks: ['constructor'], home: [], service: { byTask: {} } }))).toEqual(
      ["models[0].service has no distribution for task 'constructor' and no default"],
    );
  });

  it('lists at most 100 problems of a huge fleet and counts the rest', () => {
    const problems = problemsOf(JSON.stringify(Array.from({ length: 5000 }, () => 1)));
    expect(problems).toHaveLength(101);
    expect(problems[100]).toBe('and 4900 more problems in models');
  });
});

describe('unservedByFleet', () => {
  it('counts per task type the requests no model can take', () => {
    const requests = [
      req(0),
      req(1, { type: 'embedding' }),
      req(2, { complexity: 0.9 }),
      req(3, { tokens: 9000 }),
      req(4, { type: 'embedding' }),
    ];
    expect([...unservedByFleet([coder], requests)]).toEqual([
      ['embedding', 2],
      ['code', 2],
    ]);
    expect(
      unservedByFleet(
        [
          coder,
          {
            ...coder,
            id: 'big',
            tasks: ['code', 'embedding'],
            maxComplexity: 1,
            maxTokens: 16_000,
          },
        ],
        requests,
      ).size,
    ).toBe(0);
  });

  it('agrees with asking every model, whatever the fleet and requests', () => {
    const types = ['a', 'b', 'c'];
    const model = fc.record({
      tasks: fc.subarray(types, { minLength: 1 }),
      maxComplexity: fc.option(fc.constantFrom(0, 0.3, 0.5, 0.7, 1), { nil: undefined }),
      maxTokens: fc.option(fc.constantFrom(1, 100, 1000, 5000), { nil: undefined }),
    });
    const request = fc.record({
      type: fc.constantFrom(...types, 'd'),
      complexity: fc.constantFrom(0, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9, 1),
      tokens: fc.constantFrom(0, 1, 50, 100, 999, 1000, 4000, 5000, 6000),
    });
    fc.assert(
      fc.property(
        fc.array(model, { minLength: 1, maxLength: 12 }),
        fc.array(request, { maxLength: 40 }),
        (ms, rs) => {
          const { maxComplexity: _c, maxTokens: _t, ...base } = coder;
          const fleet: SimModelSpec[] = ms.map((m, i) => ({
            ...base,
            id: `m${i}`,
            tasks: m.tasks,
            ...(m.maxComplexity === undefined ? {} : { maxComplexity: m.maxComplexity }),
            ...(m.maxTokens === undefined ? {} : { maxTokens: m.maxTokens }),
          }));
          const requests: SimRequest[] = rs.map((r, id) => ({ id, t: id, priority: 0, ...r }));
          const expected = new Map<string, number>();
          for (const r of requests)
            if (!fleet.some((m) => canServe(m, r)))
              expected.set(r.type, (expected.get(r.type) ?? 0) + 1);
          expect(Object.fromEntries(unservedByFleet(fleet, requests))).toEqual(
            Object.fromEntries(expected),
          );
        },
      ),
    );
  });
});
