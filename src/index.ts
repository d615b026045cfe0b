// zeta-router: an embeddable adaptive LLM request router.

// Router
export { ZetaDynamicRouter } from './router/ZetaDynamicRouter.js';
export type {
  ExperimentArmSnapshot,
  ExplainOptions,
  ModelStateSnapshot,
  RouterSnapshot,
  RouterStream,
  RunInfo,
  StreamInfo,
  TaskArrivalSnapshot,
  TaskLatencySnapshot,
} from './router/ZetaDynamicRouter.js';
export type {
  ImportStateOptions,
  ImportStateResult,
  RouterState,
} from './router/stages/state.js';
export type {
  AnyModelConfig,
  CallContext,
  Experiment,
  ModelConfig,
  ModelRequest,
  ModelResult,
  ModelStreamChunk,
  ResultFor,
  RunOptions,
  StrategyName,
  StreamOptions,
  ZetaRouterOptions,
} from './router/options.js';

// Events
export type {
  CloseEvent,
  CompletedStream,
  CompleteEvent,
  Decision,
  DecisionEvent,
  DispatchEvent,
  ExcludedModel,
  FailEvent,
  FirstTokenEvent,
  HealthEvent,
  HungEvent,
  OverflowEvent,
  RejectEvent,
  RouterEvents,
  UsageEvent,
} from './router/events.js';

// Errors
export { isZetaError, ZetaError } from './errors/ZetaError.js';
export { isModelCallError, ModelCallError, modelCallFailure } from './errors/ModelCallError.js';
export type { ModelCallErrorOptions, ModelCallFailure } from './errors/ModelCallError.js';
export type { FailedAttempt, ZetaErrorCode, ZetaErrorDetails } from './errors/ZetaError.js';

// Classification
export {
  createEmbeddingClassifier,
  createLearnedClassifier,
  createRuleClassifier,
  defaultClassifier,
  defaultCodeCues,
  defaultOutputTokens,
  defaultReasoningCues,
} from './classify/index.js';
export type {
  ClassificationReport,
  Classifier,
  Cue,
  EmbedFunction,
  EmbeddingClassifier,
  EmbeddingClassifierOptions,
  LabelledExample,
  LabelScore,
  LearnedClassifier,
  LearnedClassifierOptions,
  OutputTokens,
  RuleClassifier,
  RuleClassifierOptions,
  WeightedCue,
} from './classify/index.js';

// Strategies
export {
  adaptiveStrategy,
  createAdaptiveStrategy,
  leastLoadedStrategy,
  powerOfTwoChoices,
  staticStrategy,
} from './strategy/index.js';
export type { AdaptiveStrategyOptions, Strategy } from './strategy/index.js';

// Load tracking
export {
  InMemoryLoadTracker,
  inMemoryLoadTrackerDefaults,
  LEARNED_STATE_FORMAT,
  LEARNED_STATE_VERSION,
  OTHER_TASK_TYPE,
} from './load/index.js';
export type {
  CalibrationState,
  EvidenceState,
  InMemoryLoadTrackerOptions,
  LearnedState,
  ModelLearnedState,
  TaskLearnedState,
  TokenFitState,
  ArrivalSnapshot,
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  ModelSnapshot,
  TaskLoadSnapshot,
  TrackerSnapshot,
} from './load/index.js';

// Capacity shared between routers
export { InMemoryCapacityCoordinator, LEASE_ANSWER_MS } from './capacity/index.js';
export type {
  CapacityCoordinator,
  CapacityLease,
  CapacityLimits,
  InMemoryCapacityCoordinatorOptions,
  LeaseRequest,
} from './capacity/index.js';

// Server load probes
export { jsonProbe, llamaCppProbe, prometheusProbe, vllmProbe } from './probe/builtins.js';
export type { HttpProbeOptions, PrometheusMetricNames } from './probe/builtins.js';
export type { ModelProbe, ProbeReading, ServerLoad, SpillAt } from './probe/ModelProbe.js';
export { parsePrometheusText } from './probe/prometheusText.js';

// Health
export type { HealthChange, HealthOptions, HealthSnapshot } from './health/HealthMonitor.js';

// Shared types
export type {
  BuiltInTaskType,
  CandidateState,
  Clock,
  FinishDetails,
  HealthState,
  LatencyStats,
  LearnedStats,
  RandomSource,
  RoutingInput,
  ScoredCandidate,
  TaskProfile,
  TaskType,
  TokenUsage,
} from './types.js';

// Utilities
export { seededRandom } from './utils/random.js';

// Not exported: Lane, the request-path stages and HealthMonitor are internals of the router (their state is
// visible through snapshot(), explain() and events), and the strategy ranking helper.
