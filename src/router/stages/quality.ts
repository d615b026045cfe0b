import { ZetaError } from '../../errors/ZetaError.js';
import type { TaskProfile } from '../../types.js';
import { describeValue } from '../../utils/options.js';
import type { Stages } from './context.js';

/**
 * `router.reportQuality(model, quality, about)`: checks its arguments (CONFIG_INVALID listing every
 * problem), then hands the report to the model's health, the tracker (learned per task band when
 * `about` is a task profile) and the experiments (the arm of request `about` when it is an id).
 */
export function reportQuality(
  s: Stages<unknown, unknown>,
  model: string,
  quality: number,
  about: TaskProfile | number | undefined,
  unknownModel: (model: unknown) => string,
): void {
  const requestId = typeof about === 'number' ? about : undefined;
  const task = typeof about === 'number' ? undefined : about;
  const e = typeof model === 'string' ? s.fleet.get(model) : undefined;
  const problems: string[] = [];
  if (!e || e.removed) problems.push(unknownModel(model));
  if (!(typeof quality === 'number' && quality >= 0 && quality <= 1)) {
    problems.push(`quality must be a number from 0 to 1, got ${describeValue(quality)}`);
  }
  if (requestId !== undefined && !(Number.isSafeInteger(requestId) && requestId >= 1))
    problems.push(
      `a request id must be an integer >= 1 (the \`id\` of runWithInfo()), got ${describeValue(requestId)}`,
    );
  if (
    task !== undefined &&
    !(typeof task === 'object' && task !== null && typeof task.type === 'string')
  ) {
    problems.push(
      `about must be a task profile ({ type, complexity }) or a request id, got ${describeValue(task)}`,
    );
  }
  if (problems.length > 0) {
    throw new ZetaError('CONFIG_INVALID', `Cannot report quality: ${problems.join('; ')}.`, {
      problems,
    });
  }
  const now = s.now();
  e!.health?.onQuality(quality, now);
  const profile = task === undefined ? undefined : { type: task.type, complexity: task.complexity };
  s.observer.tracker.recordQuality?.(model, quality, now, profile);
  s.experiments?.quality(model, quality, requestId);
}
