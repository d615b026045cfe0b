import type { CapacityCoordinator } from '../../capacity/CapacityCoordinator.js';
import type { Clock, RandomSource } from '../../types.js';
import type { Admission } from './admit.js';
import type { Attempts } from './attempt.js';
import type { Decider } from './decide.js';
import type { Experiments } from './experiments.js';
import type { Fleet } from './fleet.js';
import type { Observer } from './observe.js';
import type { Prober } from './probe.js';
import type { Settlement } from './settle.js';

/**
 * The stages of the request path, wired once by the router. A stage calls another through its
 * methods, never through its state.
 */
export interface Stages<Req, Res> {
  readonly clock: Clock;
  /** The router's clock, read safely: a non-finite reading counts as the last good one. */
  readonly now: () => number;
  readonly random: RandomSource;
  /** The capacity shared with other routers, when the router has a coordinator. */
  readonly capacity: CapacityCoordinator | undefined;
  readonly fleet: Fleet<Req, Res>;
  readonly observer: Observer<Req, Res>;
  readonly decider: Decider<Req, Res>;
  readonly admission: Admission<Req, Res>;
  readonly attempts: Attempts<Req, Res>;
  readonly settlement: Settlement<Req, Res>;
  readonly prober: Prober<Req, Res>;
  /** Live A/B arms; undefined without `experiments`. */
  readonly experiments: Experiments | undefined;
}
