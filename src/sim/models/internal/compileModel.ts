import { hashString } from '../../../utils/hash.js';
import { throwIfProblems } from '../../../utils/options.js';
import { type Distribution, makeDistribution } from '../../distributions.js';
import { type SimModelSpec, simModelProblems } from '../spec.js';

/** Compiled samplers of a model spec, cached per spec object. */

/** A model spec's samplers, compiled once. */
export interface CompiledModel {
  readonly idHash: number;
  readonly byTask: ReadonlyMap<string, Distribution>;
  readonly fallback: Distribution | undefined;
  /** Whether conditions never change (no phases): the base failure probability always holds. */
  readonly constant: boolean;
}

const compiledModels = new WeakMap<SimModelSpec, CompiledModel>();

/**
 * The spec's samplers, compiled on first use and cached per spec object. Drawing a call reads
 * them; the simulated call compiles its spec at construction, so a bad spec fails there.
 *
 * @throws ZetaError `CONFIG_INVALID` naming `subject` when the spec is invalid.
 */
export function compileModel(spec: SimModelSpec, subject: string): CompiledModel {
  let c = compiledModels.get(spec);
  if (c === undefined) {
    throwIfProblems(subject, simModelProblems(spec, 'spec'));
    const service = spec.service;
    const byTask = new Map<string, Distribution>();
    let fallback: Distribution | undefined;
    if ('byTask' in service) {
      for (const [task, d] of Object.entries(service.byTask)) byTask.set(task, makeDistribution(d));
      if (service.default !== undefined) fallback = makeDistribution(service.default);
    } else {
      fallback = makeDistribution(service);
    }
    const constant = spec.phases === undefined || spec.phases.length === 0;
    c = { idHash: hashString(spec.id), byTask, fallback, constant };
    compiledModels.set(spec, c);
  }
  return c;
}
