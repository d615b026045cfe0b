import {
  type AdaptiveStrategyOptions,
  createAdaptiveStrategy,
} from '../../src/strategy/adaptive.js';
import type { CandidateState } from '../../src/types.js';
import { input, scoreOf } from './candidates.js';

/**
 * An adaptive strategy that never prunes and never explores, so every candidate's score can be
 * read and the ranking is in score order.
 */
export const all = (options: AdaptiveStrategyOptions = {}) =>
  createAdaptiveStrategy({ lateBindSlack: Number.POSITIVE_INFINITY, explore: 0, ...options });

/** Ranks a single candidate and returns its scored entry. */
export function scoreAlone(c: CandidateState, options: AdaptiveStrategyOptions = {}) {
  return scoreOf(all(options).rank(input([c])), c.id);
}
