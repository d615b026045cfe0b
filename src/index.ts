// zeta-router: an embeddable adaptive LLM request router.

// Classification
export type { Classifier } from './classify/Classifier.js';
export type { RuleClassifierOptions } from './classify/ruleClassifier.js';
export { createRuleClassifier, defaultClassifier } from './classify/ruleClassifier.js';
export type { FailedAttempt, ZetaErrorCode, ZetaErrorDetails } from './errors/ZetaError.js';

// Errors
export { isZetaError, ZetaError } from './errors/ZetaError.js';
// Health
export type { HealthChange, HealthOptions, HealthSnapshot } from './health/HealthMonitor.js';
export type { InMemoryLoadTrackerOptions } from './load/InMemoryLoadTracker.js';
// Load tracking
export { InMemoryLoadTracker } from './load/InMemoryLoadTracker.js';
export type {
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  TrackerSnapshot,
} from './load/LoadTracker.js';
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
export type {
  CallContext,
  ModelConfig,
  RunOptions,
  StrategyName,
  ZetaRouterOptions,
} from './router/options.js';
export type {
  ModelStateSnapshot,
  RouterSnapshot,
  RunInfo,
  TaskLatencySnapshot,
} from './router/ZetaDynamicRouter.js';
// Router
export { ZetaDynamicRouter } from './router/ZetaDynamicRouter.js';
export type { AdaptiveStrategyOptions, Strategy } from './strategy/index.js';
// Strategies
export {
  adaptiveStrategy,
  createAdaptiveStrategy,
  leastLoadedStrategy,
  staticStrategy,
} from './strategy/index.js';

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

// Not exported: Lane, AdmissionQueue and HealthMonitor are internals of the router; their state is
// visible through snapshot(), explain() and events.
