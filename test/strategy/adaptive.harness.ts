import {
  type AdaptiveStrategyOptions,
  createAdaptiveStrategy,
} from '../../src/strategy/adaptive.js';
import type { CandidateState } from '../../src/types.js';
import { input, scoreOf } from './candidates.js';

/** An adaptive strategy that never prunes, so every candidate's score can be read. */
export const all = (options: AdaptiveStrategyOptions = {}) =>
  createAdaptiveStrategy({ lateBindSlack: Number.POSITIVE_INFINITY, ...options });

/** Ranks a single candidate and returns its scored entry. */
export function scoreAlone(c: CandidateState, options: AdaptiveStrategyOptions = {}) {
  return scoreOf(all(options).rank(input([c])), c.id);
}
