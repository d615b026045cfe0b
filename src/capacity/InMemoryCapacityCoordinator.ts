import {
  configInvalid,
  describeValue,
  throwIfProblems,
  unknownKeyProblems,
} from '../utils/options.js';
import type {
  CapacityCoordinator,
  CapacityLease,
  CapacityLimits,
  LeaseRequest,
} from './CapacityCoordinator.js';

/** Options of {@link InMemoryCapacityCoordinator}. */
export interface InMemoryCapacityCoordinatorOptions {
  /**
   * Limits per model id that override the limits the routers' model configs give. A model not
   * listed is held to the limits of the first request for it.
   * @default {}
   */
  readonly limits?: Readonly<Record<string, CapacityLimits>>;
}

interface Usage {
  readonly limits: CapacityLimits;
  calls: number;
  tokens: number;
}

/**
 * A {@link CapacityCoordinator} for several routers in one process: counters per model, granted
 * synchronously. Pass one instance to every router that calls the same model servers; each router's
 * own `concurrency` is then the most it may use, and the coordinator holds the sum to the limits.
 * Also the baseline the Redis coordinator is benchmarked against.
 *
 * @example
 * const capacity = new InMemoryCapacityCoordinator();
 * const a = new ZetaDynamicRouter({ models, capacity });
 * const b = new ZetaDynamicRouter({ models, capacity }); // a and b together stay within each model's limits
 */
export class InMemoryCapacityCoordinator implements CapacityCoordinator {
  readonly #overrides: Readonly<Record<string, CapacityLimits>>;
  readonly #usage = new Map<string, Usage>();
  readonly #listeners = new Set<(model: string) => void>();

  /** @throws {ZetaError} `CONFIG_INVALID` for unknown options or bad limits. */
  constructor(options: InMemoryCapacityCoordinatorOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw configInvalid('capacity coordinator options', [
        `options must be an object or undefined, got ${describeValue(options)}`,
      ]);
    const problems = unknownKeyProblems(options, ['limits']);
    problems.push(...limitsProblems(options.limits));
    throwIfProblems('capacity coordinator options', problems);
    this.#overrides = { ...(options.limits ?? {}) };
  }

  acquire(request: LeaseRequest): CapacityLease | undefined {
    const u = this.#use(request.model, request.limits);
    if (u.calls >= u.limits.concurrency || u.tokens + request.tokens > u.limits.maxTokens)
      return undefined;
    u.calls++;
    u.tokens += request.tokens;
    return { model: request.model, tokens: request.tokens };
  }

  release(lease: CapacityLease): void {
    const u = this.#usage.get(lease.model);
    if (u === undefined || u.calls === 0) return;
    u.calls--;
    u.tokens = u.calls === 0 ? 0 : u.tokens - lease.tokens;
    for (const listener of this.#listeners) listener(lease.model);
  }

  isFull(model: string): boolean {
    const u = this.#usage.get(model);
    return u !== undefined && (u.calls >= u.limits.concurrency || u.tokens >= u.limits.maxTokens);
  }

  watch(listener: (model: string) => void): () => void {
    const once = (model: string): void => listener(model);
    this.#listeners.add(once);
    return () => {
      this.#listeners.delete(once);
    };
  }

  /** Calls and tokens held on `model` now, summed over every router. */
  usage(model: string): { readonly calls: number; readonly tokens: number } {
    const u = this.#usage.get(model);
    return { calls: u?.calls ?? 0, tokens: u?.tokens ?? 0 };
  }

  #use(model: string, limits: CapacityLimits): Usage {
    let u = this.#usage.get(model);
    if (u === undefined) {
      const own = Object.hasOwn(this.#overrides, model) ? this.#overrides[model] : undefined;
      u = {
        limits: own ?? { concurrency: limits.concurrency, maxTokens: limits.maxTokens },
        calls: 0,
        tokens: 0,
      };
      this.#usage.set(model, u);
    }
    return u;
  }
}

/**
 * Problems with a `limits` option (per model id: `concurrency` an integer >= 1, `maxTokens` a
 * number > 0 or Infinity). Shared by the coordinators.
 */
export function limitsProblems(limits: unknown): string[] {
  if (limits === undefined) return [];
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits))
    return [
      `\`limits\` must be an object of { concurrency, maxTokens } per model id, got ${describeValue(limits)}`,
    ];
  const problems: string[] = [];
  for (const [model, l] of Object.entries(limits)) {
    const where = `limits[${JSON.stringify(model)}]`;
    if (typeof l !== 'object' || l === null) {
      problems.push(`\`${where}\` must be { concurrency, maxTokens }, got ${describeValue(l)}`);
      continue;
    }
    problems.push(...unknownKeyProblems(l, ['concurrency', 'maxTokens'], `${where}.`));
    const { concurrency, maxTokens } = l as Record<string, unknown>;
    if (!(typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1))
      problems.push(
        `\`${where}.concurrency\` must be an integer >= 1, got ${describeValue(concurrency)}`,
      );
    if (!(typeof maxTokens === 'number' && maxTokens > 0))
      problems.push(
        `\`${where}.maxTokens\` must be a number > 0 (Infinity for no budget), got ${describeValue(maxTokens)}`,
      );
  }
  return problems;
}
