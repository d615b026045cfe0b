// zeta-router: an embeddable adaptive LLM request router.

// Router
export { ZetaDynamicRouter } from './router/ZetaDynamicRouter.js';
export type {
  ModelStateSnapshot,
  RouterSnapshot,
  RunInfo,
  TaskArrivalSnapshot,
  TaskLatencySnapshot,
} from './router/ZetaDynamicRouter.js';
export type {
  CallContext,
  ModelConfig,
  RunOptions,
  StrategyName,
  ZetaRouterOptions,
} from './router/options.js';

// Events
export type {
  CompleteEvent,
  Decision,
  DecisionEvent,
  DispatchEvent,
  ExcludedModel,
  FailEvent,
  HealthEvent,
  OverflowEvent,
  RejectEvent,
  RouterEvents,
} from './router/events.js';

// Errors
export { isZetaError, ZetaError } from './errors/ZetaError.js';
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
  staticStrategy,
} from './strategy/index.js';
export type { AdaptiveStrategyOptions, Strategy } from './strategy/index.js';

// Load tracking
export { InMemoryLoadTracker, inMemoryLoadTrackerDefaults } from './load/InMemoryLoadTracker.js';
export type { InMemoryLoadTrackerOptions } from './load/InMemoryLoadTracker.js';
export type {
  ArrivalSnapshot,
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  ModelSnapshot,
  TaskLoadSnapshot,
  TrackerSnapshot,
} from './load/LoadTracker.js';

// Health
export type { HealthChange, HealthOptions, HealthSnapshot } from './health/HealthMonitor.js';

// Shared types
export type {
  BuiltInTaskType,
  CandidateState,
  Clock,
  HealthState,
  LatencyStats,
  RandomSource,
  RoutingInput,
  ScoredCandidate,
  TaskProfile,
  TaskType,
} from './types.js';

// Utilities
export { seededRandom } from './utils/random.js';

// Not exported: Lane, AdmissionQueue and HealthMonitor are internals of the router (their state is
// visible through snapshot(), explain() and events), and the strategy ranking helper.
