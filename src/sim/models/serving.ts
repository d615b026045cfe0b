import type { DistributionSpec } from '../distributions.js';
import type { SimModelSpec } from './spec.js';

/**
 * What a model spec says about serving one task: whether it can, from which service-time
 * distribution, and under which conditions (slowdown, failure probability) at a given time.
 */

/** The task fields a capability check reads. */
export interface SimTask {
  /** Task type. */
  readonly type: string;
  /** Complexity, 0..1. */
  readonly complexity: number;
  /** Tokens (prompt plus output). @default 0 */
  readonly tokens?: number;
}

/** A model's behaviour at one instant (see {@link modelConditionsAt}). */
export interface SimModelConditions {
  /** Factor applied to service times (product of the active phases' slowdowns). */
  readonly slowdown: number;
  /** Probability that a call started now fails. */
  readonly failureProbability: number;
}

/**
 * Whether the model can serve the task: its type is listed, its complexity is at most
 * `maxComplexity` and its tokens at most `maxTokens` (the router's capability rule).
 */
export function canServe(spec: SimModelSpec, task: SimTask): boolean {
  return (
    spec.tasks.includes(task.type) &&
    task.complexity <= (spec.maxComplexity ?? 1) &&
    (task.tokens ?? 0) <= (spec.maxTokens ?? Number.POSITIVE_INFINITY)
  );
}

/** The service-time distribution spec of a task type on a model (undefined when none). */
export function serviceSpecFor(spec: SimModelSpec, type: string): DistributionSpec | undefined {
  const service = spec.service;
  if ('byTask' in service)
    return Object.hasOwn(service.byTask, type) ? service.byTask[type] : service.default;
  return service;
}

/**
 * The model's behaviour for a call starting at `at` (milliseconds): slowdowns of the active
 * phases multiply; the last active phase that sets a failure probability overrides the base one.
 */
export function modelConditionsAt(spec: SimModelSpec, at: number): SimModelConditions {
  let slowdown = 1;
  let failureProbability = spec.failureProbability ?? 0;
  for (const phase of spec.phases ?? []) {
    if (at >= phase.at && at < (phase.until ?? Number.POSITIVE_INFINITY)) {
      slowdown *= phase.slowdown ?? 1;
      if (phase.failureProbability !== undefined) failureProbability = phase.failureProbability;
    }
  }
  return { slowdown, failureProbability };
}
