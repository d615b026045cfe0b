/**
 * `zeta-router/sim`: a discrete-event simulator for comparing routing strategies on the same
 * arrivals, on virtual time. This entry holds everything the runner needs except the router
 * wiring (added with the runner): the virtual clock, samplers, simulated models, workloads,
 * trace readers, the pooled reference, reports and the built-in scenarios.
 *
 * Not exported: `internal/` (heap and hashing helpers).
 */

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
// Distributions
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
  SimCallDraw,
  SimModelCall,
  SimModelCallStats,
  SimModelConditions,
  SimModelErrorCode,
  SimModelPhase,
  SimModelSpec,
  SimServiceByTask,
  SimTask,
} from './models.js';
// Simulated models
export {
  assertValidFleet,
  canServe,
  clairvoyantServiceTime,
  createSimModelCall,
  drawSimCall,
  modelConditionsAt,
  SimAbortError,
  SimModelError,
  serviceSpecFor,
  simModelProblems,
} from './models.js';
export type { PooledOptions } from './pooled.js';
// Pooled reference
export { simulatePooled } from './pooled.js';
export type { LoadEstimate, LoadEstimateOptions, ScenarioName, SimScenario } from './scenarios.js';
// Scenarios
export {
  defaultFleet,
  defaultTaskTypes,
  estimateLoad,
  getScenario,
  heterogeneousFleet,
  scenarioNames,
  scenarios,
} from './scenarios.js';
export type {
  BucketReport,
  CdfPoint,
  DurationSummary,
  ModelReport,
  SimReport,
  StatsOptions,
} from './stats.js';
// Reports
export { computeStats, quantile, summarize } from './stats.js';
export type {
  AzureTraceCommonOptions,
  AzureTraceRow,
  MergeAzureTracesOptions,
  ReadAzureTraceOptions,
} from './traces.js';
// Traces
export {
  AZURE_REASONING_PROMPT_TOKENS,
  azureComplexity,
  mergeAzureTraces,
  parseAzureTraceRows,
  readAzureTrace,
  readJsonlTrace,
  TraceError,
} from './traces.js';
// Shared data
export type { SimOutcome, SimRequest, SimResponse } from './types.js';
export type { VirtualClockOptions, VirtualClockRunOptions, VirtualTimer } from './VirtualClock.js';
// Virtual time
export { VirtualClock } from './VirtualClock.js';
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
} from './workloads.js';
// Workloads
export {
  arrivalRateAt,
  arrivalTimes,
  assertValidWorkload,
  generateArrivals,
  generateWorkload,
  workloadProblems,
  workloadRequests,
} from './workloads.js';
