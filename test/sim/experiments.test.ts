import { describe, expect, it } from 'vitest';
import type { ExperimentArmSnapshot } from '../../src/router/results.js';
import { runSimulation } from '../../src/sim/runner.js';
import { getScenario } from '../../src/sim/scenarios/scenarios.js';
import { generateWorkload } from '../../src/sim/workloads/requests.js';

const scenario = getScenario('code-burst');
const requests = generateWorkload(scenario.workload, 7, scenario.requests);

/** code-burst on the real router, adaptive as control and a `static` arm of `share`. */
async function staticArm(share: number): Promise<[ExperimentArmSnapshot, ExperimentArmSnapshot]> {
  const { snapshot, outcomes } = await runSimulation({
    models: scenario.models,
    requests,
    strategy: 'adaptive',
    seed: 7,
    router: { experiments: [{ name: 'static-arm', strategy: 'static', share }] },
  });
  const [arm, control] = snapshot.experiments;
  expect(arm).toMatchObject({ name: 'static-arm', strategy: 'static', share });
  expect(control).toMatchObject({ name: 'control', strategy: 'adaptive' });
  // Every request got an arm and settled; the split by request id is within a few of the share.
  expect(arm!.requests + control!.requests).toBe(requests.length);
  expect(arm!.completed + arm!.failed + control!.completed + control!.failed).toBe(outcomes.length);
  expect(Math.abs(arm!.requests - share * requests.length)).toBeLessThan(4);
  // The run (about 9 minutes) fits the arms' 10-minute latency window.
  expect(arm!.latency.count).toBe(arm!.completed);
  return [arm!, control!];
}

describe('live A/B experiments in the simulator (code-burst, seed 7)', () => {
  it('a static arm taking most of the traffic shows a far worse p99 than adaptive control', async () => {
    const [arm, control] = await staticArm(0.9);
    expect(arm.latency.p99).toBeGreaterThan(1.5 * control.latency.p99);
  });

  it('arms share the fleet: at a small share, static looks better than the control yielding to it', async () => {
    // Adaptive control spills its code requests off the busy coder-7b, leaving the coder to the
    // static arm's: the arm is measured on a fleet the control keeps clear for it.
    const [arm, control] = await staticArm(0.3);
    expect(arm.latency.p99).toBeLessThan(control.latency.p99);
  });
});
