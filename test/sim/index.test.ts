import { describe, expect, expectTypeOf, it } from 'vitest';
import * as sim from '../../src/sim/index.js';
import type { Clock } from '../../src/types.js';

describe('zeta-router/sim entry', () => {
  it('exports the simulator building blocks', () => {
    expect(Object.keys(sim).sort()).toEqual(
      [
        'AZURE_REASONING_PROMPT_TOKENS',
        'SimAbortError',
        'SimModelError',
        'TraceError',
        'VirtualClock',
        'arrivalRateAt',
        'arrivalTimes',
        'assertValidFleet',
        'assertValidWorkload',
        'azureComplexity',
        'canServe',
        'clairvoyantServiceTime',
        'computeStats',
        'constant',
        'createSimModelCall',
        'defaultFleet',
        'defaultTaskTypes',
        'distributionMean',
        'distributionProblems',
        'drawSimCall',
        'empirical',
        'estimateLoad',
        'exponential',
        'generateArrivals',
        'generateWorkload',
        'getScenario',
        'heterogeneousFleet',
        'lognormal',
        'makeDistribution',
        'mergeAzureTraces',
        'modelConditionsAt',
        'parseAzureTraceRows',
        'prefillDecode',
        'quantile',
        'readAzureTrace',
        'readFleet',
        'readJsonlTrace',
        'scenarioNames',
        'scenarios',
        'serviceSpecFor',
        'simModelProblems',
        'simulatePooled',
        'summarize',
        'uniform',
        'unservedByFleet',
        'workloadProblems',
        'workloadRequests',
        'compareStrategies',
        'simulateRouter',
        'runSimulation',
        'SIM_DEFAULT_MAX_QUEUE',
        'formatComparison',
        'formatComparisonMarkdown',
        'renderHtmlReport',
        'renderCdfSvg',
        'renderLatencyOverTimeSvg',
        'compressionForUtilization',
        'estimateRequestLoad',
        'commonBucketMs',
        'envoyLeastRequestStrategy',
        'finaglePeakEwmaStrategy',
        'litellmLatencyBasedStrategy',
        'litellmLeastBusyStrategy',
        'litellmSimpleShuffleStrategy',
        'litellmUsageBasedStrategy',
        'portkeyLeastLatencyStrategy',
        'isPeerStrategyName',
        'peerStrategies',
        'peerStrategyNames',
        'MOONCAKE_REASONING_PROMPT_TOKENS',
        'MOONCAKE_SLOT_MS',
        'mooncakeComplexity',
        'readMooncakeTrace',
      ].sort(),
    );
  });

  it('has the documented signatures', () => {
    expectTypeOf(sim.simulatePooled).parameter(0).toEqualTypeOf<sim.PooledOptions>();
    expectTypeOf(sim.simulatePooled).returns.toEqualTypeOf<sim.SimOutcome[]>();
    expectTypeOf(sim.generateWorkload).parameters.toEqualTypeOf<
      [sim.WorkloadSpec, number, number]
    >();
    expectTypeOf(sim.createSimModelCall).returns.toEqualTypeOf<sim.SimModelCall>();
    expectTypeOf(sim.makeDistribution).returns.toEqualTypeOf<sim.Distribution>();
    expectTypeOf<sim.VirtualClock>().toExtend<Clock>();
    expectTypeOf(sim.computeStats).returns.toEqualTypeOf<sim.SimReport>();
  });
});
