import type { Strategy } from '../../strategy/Strategy.js';
import { envoyLeastRequestStrategy } from './envoy.js';
import { finaglePeakEwmaStrategy } from './finagle.js';
import {
  litellmLatencyBasedStrategy,
  litellmLeastBusyStrategy,
  litellmSimpleShuffleStrategy,
  litellmUsageBasedStrategy,
} from './litellm.js';
import { portkeyLeastLatencyStrategy } from './portkey.js';

/**
 * The routing policies of other routers and load balancers, by name, as comparison strategies:
 * each picks one model when the request arrives and binds to it (the request starts there or
 * waits for that model alone), as those systems do. Pass them to `compareStrategies` or name them
 * in `zeta-sim --strategies`. Each one's TSDoc gives its source and what is approximated.
 */
export const peerStrategies = {
  'litellm-shuffle': litellmSimpleShuffleStrategy,
  'litellm-least-busy': litellmLeastBusyStrategy,
  'litellm-latency': litellmLatencyBasedStrategy,
  'litellm-usage': litellmUsageBasedStrategy,
  'envoy-p2c': envoyLeastRequestStrategy,
  'finagle-peak-ewma': finaglePeakEwmaStrategy,
  'portkey-least-latency': portkeyLeastLatencyStrategy,
} as const satisfies Record<string, Strategy>;

/** Name of a peer policy in {@link peerStrategies}. */
export type PeerStrategyName = keyof typeof peerStrategies;

/** The names of {@link peerStrategies}, in definition order. */
export const peerStrategyNames: readonly PeerStrategyName[] = Object.keys(
  peerStrategies,
) as PeerStrategyName[];

/** Whether `name` names a peer policy (own keys only: `'toString'` is not one). */
export function isPeerStrategyName(name: string): name is PeerStrategyName {
  return Object.hasOwn(peerStrategies, name);
}
