/**
 * `zeta-router/sim`: a discrete-event simulator that runs the real ZetaDynamicRouter on virtual
 * time, compares routing strategies on the same arrivals against a pooled reference, and reports.
 *
 * Not exported: `internal/` (heap and hashing helpers).
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
export {
  compressionForUtilization,
  defaultFleet,
  defaultTaskTypes,
  estimateLoad,
  estimateRequestLoad,
  getScenario,
  heterogeneousFleet,
  scenarioNames,
  scenarios,
} from './scenarios.js';
export type { LoadEstimate, LoadEstimateOptions, ScenarioName, SimScenario } from './scenarios.js';

// Pooled reference
export { simulatePooled } from './pooled.js';
export type { PooledOptions } from './pooled.js';

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
export type {
  AzureTraceCommonOptions,
  AzureTraceRow,
  MergeAzureTracesOptions,
  ReadAzureTraceOptions,
} from './traces.js';

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
