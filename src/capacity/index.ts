// The capacity coordinator contract and its built-in, in-memory implementation. The contract file
// does not import its built-ins; this index re-exports both (no import circle).
export {
  type CapacityCoordinator,
  type CapacityLease,
  type CapacityLimits,
  LEASE_ANSWER_MS,
  type LeaseRequest,
} from './CapacityCoordinator.js';
export {
  InMemoryCapacityCoordinator,
  type InMemoryCapacityCoordinatorOptions,
} from './InMemoryCapacityCoordinator.js';
