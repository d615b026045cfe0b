// The load tracker contract and its built-in, in-memory implementation. The contract file does not
// import its built-ins; this index re-exports both (no import circle).
export { InMemoryLoadTracker } from './InMemoryLoadTracker.js';
export {
  type InMemoryLoadTrackerOptions,
  inMemoryLoadTrackerDefaults,
  OTHER_TASK_TYPE,
} from './InMemoryLoadTrackerOptions.js';
export {
  type CalibrationState,
  type EvidenceState,
  LEARNED_STATE_FORMAT,
  LEARNED_STATE_VERSION,
  type LearnedState,
  type ModelLearnedState,
  type TaskLearnedState,
  type TokenFitState,
} from './learnedState.js';
export type {
  ArrivalSnapshot,
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  ModelSnapshot,
  TaskLoadSnapshot,
  TrackerSnapshot,
} from './LoadTracker.js';
