/**
 * M/M/c queueing figures for the adaptive strategy: how much a call delays the others waiting for
 * a model. Pure.
 */

/** Highest utilization priced: beyond it the M/M/c figures grow without bound and say little. */
const MAX_UTILIZATION = 0.98;

/**
 * Most servers computed exactly: the recursion below is linear in them. A model with more (a hosted
 * API configured as "unlimited") is priced as this many at the same utilization, an upper bound
 * (more servers pool better) that is already close to 0 below saturation.
 */
const MAX_SERVERS = 10_000;

/**
 * Mean number waiting in an M/M/c queue with `c` servers and an offered load of `a` Erlangs
 * (busy servers on average): Erlang C times `a / (c - a)`. 0 for no load. Above
 * {@link MAX_SERVERS} servers, the figure for that many at the same utilization.
 */
export function queueLength(servers: number, offered: number): number {
  if (!(offered > 0) || !(servers >= 1)) return 0;
  const c = Math.min(servers, MAX_SERVERS);
  const a = servers > MAX_SERVERS ? (offered * MAX_SERVERS) / servers : offered;
  const load = Math.min(a, MAX_UTILIZATION * c);
  // Erlang B by its stable recursion, then Erlang C (the chance that an arrival waits).
  let b = 1;
  for (let k = 1; k <= c; k++) b = (load * b) / (k + load * b);
  const waitChance = (c * b) / (c - load * (1 - b));
  return (waitChance * load) / (c - load);
}

/**
 * The waiting a call of `serviceMs` adds to the others on a model with `c` slots busy `a` on
 * average: `serviceMs × dLq/da` (the time-integral of the queue grows by the slope of the mean
 * queue length in the load, times the load the call adds). 0 on an idle model.
 */
export function delayOnOthersMs(c: number, a: number, serviceMs: number): number {
  if (!(a > 0) || !(serviceMs > 0)) return 0;
  const h = 0.05;
  const slope = (queueLength(c, a + h) - queueLength(c, a)) / h;
  return serviceMs * Math.max(0, slope);
}
