// zeta-router/redis: routers in several processes or machines share each model's capacity through
// Redis (leases taken and given back by Lua scripts). Optional peer: `redis` 6 or `ioredis` 6 (only
// their types are assumed; nothing of them is imported).
export {
  type IoredisLike,
  ioredisClient,
  type NodeRedisLike,
  nodeRedisClient,
  type RedisScriptClient,
} from './client.js';
export type { RedisLoadTrackerOptions } from './loadOptions.js';
export type { RedisCapacityCoordinatorOptions } from './options.js';
export {
  RedisCapacityCoordinator,
  type RedisCapacityEvents,
  type RedisHealthEvent,
} from './RedisCapacityCoordinator.js';
export { type RedisLoadEvents, RedisLoadTracker } from './RedisLoadTracker.js';
