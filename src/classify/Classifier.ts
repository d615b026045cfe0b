import type { TaskProfile } from '../types.js';

/**
 * Decides what a request asks of a model: its task type, complexity, token estimate and priority.
 *
 * The router calls it once per `run()` (unless the call passes its own task profile) and routes on
 * the answer. It must not know about models or load. Keep it fast, it sits on the hot path: a
 * classifier that calls a model should answer from a cache when it can. It may return a promise;
 * if it throws or rejects, the router fails that request and carries the error as the `cause`.
 *
 * The built-in {@link createRuleClassifier} (and {@link defaultClassifier}, the router's default)
 * reads prompts, chat messages and embedding inputs with keyword and pattern rules.
 *
 * @typeParam Req - The request type of the router; `unknown` accepts any request.
 * @example
 * // Trust a task hint the app already has, else fall back to the rules.
 * const classifier: Classifier<{ kind?: string; prompt: string }> = (req) =>
 *   req.kind === 'summarise' ? { type: 'simple', complexity: 0.3 } : defaultClassifier(req);
 */
export type Classifier<Req = unknown> = (req: Req) => TaskProfile | Promise<TaskProfile>;
