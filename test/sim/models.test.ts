import { describe, expect, it } from 'vitest';
import {
  assertValidFleet,
  canServe,
  clairvoyantServiceTime,
  createSimModelCall,
  drawSimCall,
  modelConditionsAt,
  SimAbortError,
  SimModelError,
  type SimModelSpec,
  serviceSpecFor,
  simModelProblems,
} from '../../src/sim/models.js';
import type { SimRequest } from '../../src/sim/types.js';
import { VirtualClock } from '../../src/sim/VirtualClock.js';
import { configError } from '../helpers/configError.js';

const coder: SimModelSpec = {
  id: 'coder-7b',
  tasks: ['simple', 'code'],
  home: ['code'],
  maxComplexity: 0.7,
  concurrency: 2,
  maxTokens: 8000,
  service: {
    byTask: { code: { kind: 'lognormal', median: 1200, spread: 2.5 } },
    default: { kind: 'constant', value: 300 },
  },
};

const req = (id: number, over: Partial<SimRequest> = {}): SimRequest => ({
  id,
  t: 0,
  type: 'code',
  complexity: 0.3,
  tokens: 1000,
  priority: 0,
  ...over,
});

describe('capabilities and conditions', () => {
  it('canServe checks type, complexity and tokens', () => {
    expect(canServe(coder, req(1))).toBe(true);
    expect(canServe(coder, req(1, { type: 'embedding' }))).toBe(false);
    expect(canServe(coder, req(1, { complexity: 0.71 }))).toBe(false);
    expect(canServe(coder, req(1, { complexity: 0.7 }))).toBe(true);
    expect(canServe(coder, req(1, { tokens: 8001 }))).toBe(false);
  });

  it('serviceSpecFor falls back to the default', () => {
    expect(serviceSpecFor(coder, 'code')).toEqual({ kind: 'lognormal', median: 1200, spread: 2.5 });
    expect(serviceSpecFor(coder, 'simple')).toEqual({ kind: 'constant', value: 300 });
  });

  it('modelConditionsAt multiplies slowdowns and lets the last failure phase win', () => {
    const spec: SimModelSpec = {
      ...coder,
      failureProbability: 0.1,
      phases: [
        { at: 100, until: 200, slowdown: 10 },
        { at: 150, slowdown: 2, failureProbability: 0.5 },
        { at: 180, until: 190, failureProbability: 0 },
      ],
    };
    expect(modelConditionsAt(spec, 99)).toEqual({ slowdown: 1, failureProbability: 0.1 });
    expect(modelConditionsAt(spec, 100)).toEqual({ slowdown: 10, failureProbability: 0.1 });
    expect(modelConditionsAt(spec, 160)).toEqual({ slowdown: 20, failureProbability: 0.5 });
    expect(modelConditionsAt(spec, 185)).toEqual({ slowdown: 20, failureProbability: 0 });
    expect(modelConditionsAt(spec, 200)).toEqual({ slowdown: 2, failureProbability: 0.5 });
  });
});

describe('drawSimCall / clairvoyantServiceTime', () => {
  it('is a deterministic function of seed and request id, the service draw shared across models', () => {
    const a = drawSimCall(coder, req(7), 0, 42);
    expect(drawSimCall(coder, req(7, { t: 999, complexity: 0.1 }), 0, 42)).toEqual(a);
    expect(drawSimCall(coder, req(7), 0, 43).serviceMs).not.toBe(a.serviceMs);
    expect(drawSimCall(coder, req(8), 0, 42).serviceMs).not.toBe(a.serviceMs);
    // A long request is long everywhere: another model with the same distribution draws the same time.
    expect(drawSimCall({ ...coder, id: 'other' }, req(7), 0, 42).serviceMs).toBe(a.serviceMs);
    expect(drawSimCall(coder, req(7), 0, 42, 1).serviceMs).not.toBe(a.serviceMs);
    expect(clairvoyantServiceTime(coder, req(7), 0, 42)).toBe(a.serviceMs);
  });

  it('scales the same base draw by the slowdown at the start time', () => {
    const slow: SimModelSpec = { ...coder, phases: [{ at: 1000, until: 2000, slowdown: 10 }] };
    const base = clairvoyantServiceTime(slow, req(3), 0, 1);
    expect(clairvoyantServiceTime(slow, req(3), 1500, 1)).toBeCloseTo(base * 10, 9);
    expect(clairvoyantServiceTime(slow, req(3), 2000, 1)).toBe(base);
    expect(base).toBe(clairvoyantServiceTime(coder, req(3), 0, 1));
  });

  it('fails with the failure probability, independently of the service draw', () => {
    const flaky: SimModelSpec = { ...coder, failureProbability: 0.3 };
    let failures = 0;
    for (let id = 0; id < 10_000; id++) {
      const d = drawSimCall(flaky, req(id), 0, 5);
      if (!d.ok) failures++;
      expect(d.serviceMs).toBe(drawSimCall(coder, req(id), 0, 5).serviceMs);
    }
    expect(failures / 10_000).toBeCloseTo(0.3, 1);
  });

  it('uses the per-task distribution', () => {
    expect(clairvoyantServiceTime(coder, req(1, { type: 'simple' }), 0, 1)).toBe(300);
  });
});

describe('createSimModelCall', () => {
  it('resolves after the drawn service time on virtual time', async () => {
    const clock = new VirtualClock();
    const call = createSimModelCall(coder, clock, 42);
    const expected = clairvoyantServiceTime(coder, req(1), 0, 42);
    const pending = call(req(1), { signal: new AbortController().signal });
    await clock.run();
    await expect(pending).resolves.toEqual({
      id: 1,
      model: 'coder-7b',
      start: 0,
      end: expected,
      serviceMs: expected,
    });
    expect(clock.now()).toBe(expected);
    expect(call.spec).toBe(coder);
    expect(call.stats()).toMatchObject({
      calls: 1,
      completed: 1,
      inFlight: 0,
      maxInFlight: 1,
      busyMs: expected,
    });
  });

  it('draws the same service times on any clock, started later or not', async () => {
    const clock = new VirtualClock({ start: 10_000 });
    const call = createSimModelCall(coder, clock, 42);
    const pending = call(req(1));
    await clock.run();
    const res = await pending;
    expect(res.serviceMs).toBeCloseTo(clairvoyantServiceTime(coder, req(1), 10_000, 42), 6);
  });

  it('aborting mid-call rejects with an AbortError and clears its timer', async () => {
    const clock = new VirtualClock();
    const call = createSimModelCall(
      { ...coder, service: { kind: 'constant', value: 1000 } },
      clock,
      1,
    );
    const controller = new AbortController();
    const pending = call(req(1), { signal: controller.signal });
    const assertion = expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    clock.setTimeout(() => controller.abort(new Error('timeout')), 400);
    await clock.run();
    await assertion;
    await expect(pending).rejects.toBeInstanceOf(SimAbortError);
    expect(clock.now()).toBe(400);
    expect(clock.pending).toBe(0);
    expect(call.stats()).toMatchObject({ aborted: 1, inFlight: 0, busyMs: 400, completed: 0 });
  });

  it('rejects at once when the signal is already aborted', async () => {
    const clock = new VirtualClock();
    const call = createSimModelCall(coder, clock, 1);
    const controller = new AbortController();
    controller.abort('gone');
    await expect(call(req(1), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
      cause: 'gone',
    });
    expect(clock.pending).toBe(0);
    expect(call.stats()).toMatchObject({ aborted: 1, calls: 0 });
  });

  it('fails at the end of its service time when the failure probability hits', async () => {
    const clock = new VirtualClock();
    const spec: SimModelSpec = {
      ...coder,
      service: { kind: 'constant', value: 250 },
      failureProbability: 1,
    };
    const call = createSimModelCall(spec, clock, 1);
    let rejectedAt = -1;
    let caught: unknown;
    void call(req(9)).catch((error: unknown) => {
      rejectedAt = clock.now();
      caught = error;
    });
    await clock.run();
    expect(caught).toBeInstanceOf(SimModelError);
    expect(caught).toMatchObject({ code: 'MODEL_ERROR', model: 'coder-7b', requestId: 9 });
    expect(rejectedAt).toBe(250);
    expect(call.stats()).toMatchObject({ failed: 1, busyMs: 250 });
  });

  it('follows failure phases: fails during the phase, recovers after', async () => {
    const clock = new VirtualClock();
    const spec: SimModelSpec = {
      ...coder,
      service: { kind: 'constant', value: 10 },
      phases: [{ at: 100, until: 200, failureProbability: 1 }],
    };
    const call = createSimModelCall(spec, clock, 1);
    const results: string[] = [];
    for (const at of [50, 150, 250]) {
      clock.setTimeout(() => {
        call(req(at)).then(
          () => results.push(`ok@${at}`),
          () => results.push(`fail@${at}`),
        );
      }, at);
    }
    await clock.run();
    expect(results).toEqual(['ok@50', 'fail@150', 'ok@250']);
  });

  it('rejects requests the model cannot serve with INCAPABLE', async () => {
    const call = createSimModelCall(coder, new VirtualClock(), 1);
    await expect(call(req(1, { type: 'embedding' }))).rejects.toMatchObject({ code: 'INCAPABLE' });
    expect(call.stats().rejected).toBe(1);
  });

  it('matches the clairvoyant time on the first call and draws afresh on a retry', async () => {
    const clock = new VirtualClock();
    const call = createSimModelCall(coder, clock, 3);
    const first = call(req(5));
    await clock.run();
    const second = call(req(5));
    await clock.run();
    const [a, b] = [await first, await second];
    expect(a.serviceMs).toBe(clairvoyantServiceTime(coder, req(5), 0, 3));
    expect(b.serviceMs).toBeCloseTo(drawSimCall(coder, req(5), 0, 3, 1).serviceMs, 6);
    expect(b.serviceMs).not.toBe(a.serviceMs);
  });

  it('counts calls beyond concurrency without refusing them', async () => {
    const clock = new VirtualClock();
    const call = createSimModelCall(
      { ...coder, service: { kind: 'constant', value: 10 } },
      clock,
      1,
    );
    const all = Promise.all([call(req(1)), call(req(2)), call(req(3))]);
    await clock.run();
    await all;
    expect(call.stats()).toMatchObject({
      calls: 3,
      maxInFlight: 3,
      overCapacity: 1,
      inFlight: 0,
      busyMs: 30,
    });
  });
});

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
      'models[0].concurrency must be an integer >= 1, got 0',
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

  it('createSimModelCall rejects an invalid spec at construction, every problem at once', () => {
    expect(
      configError(() => createSimModelCall({ ...coder, concurrency: 1.5 }, new VirtualClock(), 1))
        .message,
    ).toBe(
      'Invalid createSimModelCall arguments:\n- spec.concurrency must be an integer >= 1, got 1.5',
    );
    expect(
      configError(() => createSimModelCall({ ...coder, cost: -1 }, {} as never, Number.NaN))
        .problems,
    ).toEqual([
      'spec.cost must be a finite number >= 0, got -1',
      'seed must be a safe integer, got NaN',
      'clock must be a Clock (now, setTimeout, clearTimeout), got an object',
    ]);
  });
});
