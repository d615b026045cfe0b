import type { TaskTypeSpec } from '../workloads/spec.js';
import { lognormal, uniform } from './internal/specs.js';

/** The request shapes the built-in scenarios' workloads draw from. */

/**
 * The request shapes of the built-in scenarios: simple chat (complexity 0–0.4, priority 1:
 * interactive), code (0.1–0.65, long prompts), embedding (0–0.2, no output) and reasoning
 * (0.3–0.9: a third above 0.7, which only reasoner-14b accepts). Token counts are log-normal.
 */
export const defaultTaskTypes: Readonly<Record<string, TaskTypeSpec>> = {
  simple: {
    complexity: uniform(0, 0.4),
    promptTokens: lognormal(200, 3),
    outputTokens: lognormal(120, 3),
    priority: 1,
  },
  code: {
    complexity: uniform(0.1, 0.65),
    promptTokens: lognormal(1500, 4),
    outputTokens: lognormal(250, 3),
  },
  embedding: {
    complexity: uniform(0, 0.2),
    promptTokens: lognormal(300, 3),
  },
  reasoning: {
    complexity: uniform(0.3, 0.9),
    promptTokens: lognormal(800, 3),
    outputTokens: lognormal(800, 2.5),
  },
};
