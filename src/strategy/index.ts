export type { AdaptiveStrategyOptions } from './adaptive.js';
export { adaptiveStrategy, createAdaptiveStrategy } from './adaptive.js';
export { leastLoadedStrategy } from './leastLoaded.js';
export { powerOfTwoChoices } from './powerOfTwo.js';
export type { Strategy } from './Strategy.js';
export { staticStrategy } from './static.js';
