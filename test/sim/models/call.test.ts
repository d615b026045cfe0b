import { describe, expect, it } from 'vitest';
import { createSimModelCall } from '../../../src/sim/models/call.js';
import { clairvoyantServiceTime, drawSimCall } from '../../../src/sim/models/draw.js';
import { SimAbortError } from '../../../src/sim/models/SimAbortError.js';
import { SimModelError } from '../../../src/sim/models/SimModelError.js';
import type { SimModelSpec } from '../../../src/sim/models/spec.js';
import { VirtualClock } from '../../../src/sim/VirtualClock.js';
import { configError } from '../../helpers/configError.js';
import { coder, req } from './fixture.js';

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
  it('createSimModelCall rejects an invalid spec at construction, every problem at once', () => {
    expect(
      configError(() => createSimModelCall({ ...coder, concurrency: 1.5 }, new VirtualClock(), 1))
        .message,
    ).toBe(
      'Invalid createSimModelCall arguments:\n- spec.concurrency must be an integer from 1 to 100,000, got 1.5',
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
