import { describe, expect, it } from 'vitest';
import { assertValidFleet, simModelProblems } from '../../../src/sim/models/spec.js';
import { configError } from '../../helpers/configError.js';
import { coder } from './fixture.js';

describe('validation', () => {
  it('lists every problem of a spec with its path', () => {
    const problems = simModelProblems(
      {
        id: '',
        tasks: ['code', 'simple'],
        home: ['embedding'],
        maxComplexity: 2,
        concurrency: 0,
        service: { byTask: { code: { kind: 'lognormal', median: 0 } } },
        phases: [{ at: 10, until: 5, slowdown: -1 }],
      },
      'models[0]',
    );
    expect(problems).toEqual([
      'models[0].id must be a non-empty string, got ""',
      'models[0].maxComplexity must be a number in [0, 1], got 2',
      'models[0].concurrency must be an integer from 1 to 100,000, got 0',
      "models[0].home lists 'embedding', which is not in models[0].tasks",
      'models[0].service.byTask.code.median must be a finite number > 0, got 0',
      "models[0].service has no distribution for task 'simple' and no default",
      'models[0].phases[0].until must be a number > at, got 5',
      'models[0].phases[0].slowdown must be a finite number > 0, got -1',
    ]);
    expect(simModelProblems(coder)).toEqual([]);
  });

  it('assertValidFleet rejects duplicate ids and empty fleets', () => {
    expect(configError(() => assertValidFleet([coder, coder])).message).toBe(
      "Invalid assertValidFleet models:\n- models[1].id 'coder-7b' is used by an earlier model",
    );
    expect(configError(() => assertValidFleet([])).message).toMatch(/non-empty/);
    expect(() => assertValidFleet([coder])).not.toThrow();
  });

  it('rejects unknown keys in a spec, its service and its phases, with a hint', () => {
    const spec = {
      ...coder,
      Concurrency: 4,
      service: {
        byTask: { code: { kind: 'constant', value: 1 } },
        default: undefined,
        fallback: 1,
      },
      phases: [{ at: 0, slowDown: 2 }],
    };
    expect(simModelProblems(spec, 'm').filter((p) => p.startsWith('unknown'))).toEqual([
      'unknown option `m.Concurrency` (did you mean `m.concurrency`?) (known: id, tasks, home, maxComplexity, concurrency, maxTokens, maxQueue, cost, service, failureProbability, phases)',
      'unknown option `m.service.fallback` (known: byTask, default)',
      'unknown option `m.phases[0].slowDown` (did you mean `m.phases[0].slowdown`?) (known: at, until, slowdown, failureProbability)',
    ]);
    expect(
      configError(() => assertValidFleet([spec as never])).problems.length,
    ).toBeGreaterThanOrEqual(3);
  });
});
