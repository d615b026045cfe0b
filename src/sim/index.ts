/**
 * `zeta-router/sim`: a discrete-event simulator that runs the real ZetaDynamicRouter on virtual
 * time, compares routing strategies on the same arrivals against a pooled reference, and reports.
 *
 * Not exported: the `internal/` folders (heap, hashing and input-check helpers; the built-in
 * data's spec shorthands; the trace readers' shared steps).
 */

// Running and comparing strategies
export {
  compareStrategies,
  runSimulation,
  SIM_DEFAULT_MAX_QUEUE,
  simulateRouter,
} from './runner.js';
export type {
  CompareOptions,
  Comparison,
  SimRouterOptions,
  SimulateRouterOptions,
  SimulationRun,
  StrategyResult,
} from './runner.js';

// Peer policies: other routers' strategies, for comparison
export { envoyLeastRequestStrategy } from './peers/envoy.js';
export { finaglePeakEwmaStrategy } from './peers/finagle.js';
export {
  litellmLatencyBasedStrategy,
  litellmLeastBusyStrategy,
  litellmSimpleShuffleStrategy,
  litellmUsageBasedStrategy,
} from './peers/litellm.js';
export { isPeerStrategyName, peerStrategies, peerStrategyNames } from './peers/peers.js';
export type { PeerStrategyName } from './peers/peers.js';
export { portkeyLeastLatencyStrategy } from './peers/portkey.js';

// Reports: figures, tables, HTML and SVG
export { commonBucketMs, computeStats, quantile, summarize } from './stats.js';
export type {
  BucketReport,
  CdfPoint,
  DurationSummary,
  ModelReport,
  SimReport,
  StatsOptions,
} from './stats.js';
export { formatComparison, formatComparisonMarkdown } from './table.js';
export { renderCdfSvg, renderHtmlReport, renderLatencyOverTimeSvg } from './report/html.js';
export type { HtmlReportOptions } from './report/html.js';

// Scenarios and load estimates
export { defaultFleet, heterogeneousFleet } from './scenarios/fleets.js';
export {
  compressionForUtilization,
  estimateLoad,
  estimateRequestLoad,
} from './scenarios/load.js';
export type { LoadEstimate, LoadEstimateOptions } from './scenarios/load.js';
export { getScenario, scenarioNames, scenarios } from './scenarios/scenarios.js';
export type { ScenarioName, SimScenario } from './scenarios/scenarios.js';
export { defaultTaskTypes } from './scenarios/taskTypes.js';

// Pooled reference
export { simulatePooled } from './pooled.js';
export type { PooledOptions } from './pooled.js';

// Simulated models
export { createSimModelCall } from './models/call.js';
export type { SimModelCall, SimModelCallStats } from './models/call.js';
export { clairvoyantServiceTime, drawSimCall } from './models/draw.js';
export type { SimCallDraw } from './models/draw.js';
export { canServe, modelConditionsAt, serviceSpecFor } from './models/serving.js';
export type { SimModelConditions, SimTask } from './models/serving.js';
export { SimAbortError } from './models/SimAbortError.js';
export { SimModelError } from './models/SimModelError.js';
export type { SimModelErrorCode } from './models/SimModelError.js';
export { assertValidFleet, simModelProblems } from './models/spec.js';
export { readFleet, unservedByFleet } from './models/readFleet.js';
export type { SimModelPhase, SimModelSpec, SimServiceByTask } from './models/spec.js';

// Workloads
export { arrivalRateAt, arrivalTimes, generateArrivals } from './workloads/arrivals.js';
export { generateWorkload, workloadRequests } from './workloads/requests.js';
export { assertValidWorkload, workloadProblems } from './workloads/spec.js';
export type {
  ArrivalSpec,
  DiurnalArrivals,
  MmppArrivals,
  MmppState,
  OnOffArrivals,
  PiecewiseArrivals,
  PoissonArrivals,
  PriorityMix,
  TaskMix,
  TaskTypeSpec,
  TimedTaskMix,
  WorkloadSpec,
} from './workloads/spec.js';

// Traces
export { azureComplexity } from './traces/azureRequests.js';
export type { AzureTraceCommonOptions } from './traces/azureRequests.js';
export { parseAzureTraceRows } from './traces/azureRows.js';
export type { AzureTraceRow } from './traces/azureRows.js';
export { AZURE_REASONING_PROMPT_TOKENS, mergeAzureTraces } from './traces/mergeAzureTraces.js';
export type { MergeAzureTracesOptions } from './traces/mergeAzureTraces.js';
export { readAzureTrace } from './traces/readAzureTrace.js';
export type { ReadAzureTraceOptions } from './traces/readAzureTrace.js';
export { readJsonlTrace } from './traces/readJsonlTrace.js';
export {
  MOONCAKE_REASONING_PROMPT_TOKENS,
  MOONCAKE_SLOT_MS,
  mooncakeComplexity,
  readMooncakeTrace,
} from './traces/readMooncakeTrace.js';
export type { MooncakeTraceRow, ReadMooncakeTraceOptions } from './traces/readMooncakeTrace.js';
export { TraceError } from './traces/TraceError.js';

// Service-time distributions
export {
  constant,
  distributionMean,
  distributionProblems,
  empirical,
  exponential,
  lognormal,
  makeDistribution,
  prefillDecode,
  uniform,
} from './distributions.js';
export type {
  ConstantSpec,
  Distribution,
  DistributionSpec,
  EmpiricalSpec,
  ExponentialSpec,
  LognormalSpec,
  PrefillDecodeSpec,
  SampleContext,
  UniformSpec,
} from './distributions.js';

// Virtual time
export { VirtualClock } from './VirtualClock.js';
export type { VirtualClockOptions, VirtualClockRunOptions, VirtualTimer } from './VirtualClock.js';

// Shared data
export type { SimOutcome, SimRequest, SimResponse } from './types.js';
