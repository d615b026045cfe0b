import type { SharedV4ProviderOptions } from '@ai-sdk/provider';
import type { RunOptions } from '../../../router/options.js';
import type { TaskProfile, TaskType } from '../../../types.js';
import type { ResolvedRouterModelOptions, ZetaProviderOptions } from '../options.js';

/** A call's `providerOptions` without its `zeta` entry, and the run options that entry asks for. */
export interface RoutedCall {
  /** `providerOptions` minus `zeta` (absent when nothing else was there). */
  readonly providerOptions: SharedV4ProviderOptions | undefined;
  /** What `runWithInfo` is called with. */
  readonly run: RunOptions;
}

/**
 * Splits the router's own options (`providerOptions.zeta`) out of a call's provider options and
 * builds the run options of the routed request: the call's `abortSignal`, the task of
 * `providerOptions.zeta.task` (else the router model's `task`, else none: the classifier decides),
 * and `priority` / `timeoutMs` when the call sets them. The router checks their values.
 */
export function routedCall(
  providerOptions: SharedV4ProviderOptions | undefined,
  abortSignal: AbortSignal | undefined,
  defaults: ResolvedRouterModelOptions,
): RoutedCall {
  const { zeta, ...rest } = providerOptions ?? {};
  const own = (zeta ?? {}) as ZetaProviderOptions;
  const task: TaskType | TaskProfile | undefined = own.task ?? defaults.task;
  const run: RunOptions = {
    ...(abortSignal === undefined ? {} : { signal: abortSignal }),
    ...(task === undefined ? {} : { task }),
    ...(own.priority === undefined ? {} : { priority: own.priority }),
    ...(own.timeoutMs === undefined ? {} : { timeoutMs: own.timeoutMs }),
  };
  return { providerOptions: Object.keys(rest).length === 0 ? undefined : rest, run };
}
