import { Script } from './client.js';

// Every script reads the time from Redis (`TIME`), so the instances' clocks never matter, and
// touches keys of one hash slot (one model's keys share a `{hash tag}`), so Redis Cluster works.

/** Now in ms on Redis's clock, and the expired leases of KEYS[1]/KEYS[2] dropped. */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #expired do redis.call('HDEL', KEYS[2], expired[i]) end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
local function usage()
  local used = 0
  local vals = redis.call('HVALS', KEYS[2])
  for i = 1, #vals do used = used + tonumber(vals[i]) end
  return redis.call('ZCARD', KEYS[1]), used
end
local function hold(id, tokens, ttl)
  redis.call('ZADD', KEYS[1], now + ttl, id)
  redis.call('HSET', KEYS[2], id, tokens)
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  redis.call('PEXPIRE', KEYS[2], ttl * 2)
end
`;

/**
 * Takes a lease. KEYS: the model's leases (a sorted set: id -> expiry) and tokens (a hash: id ->
 * tokens). ARGV: id, tokens, concurrency, maxTokens (-1: none), ttl ms.
 * Returns {granted 0/1, calls, tokens} (the model's usage after it).
 */
export const ACQUIRE = new Script(`${PRELUDE}
local id, tokens, conc, maxT, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local n, used = usage()
if redis.call('ZSCORE', KEYS[1], id) then
  hold(id, tokens, ttl)
  return {1, n, tostring(used)}
end
if n >= conc or (maxT >= 0 and used + tokens > maxT) then return {0, n, tostring(used)} end
hold(id, tokens, ttl)
return {1, n + 1, tostring(used + tokens)}
`);

/**
 * Renews, re-asserts and drops leases of one model, and reads its usage. ARGV: ttl ms, the count
 * of leases to hold, then (id, tokens) for each, then the ids to drop.
 * Returns {calls, tokens}.
 */
export const SYNC = new Script(`${PRELUDE}
local ttl, count = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 0, count - 1 do hold(ARGV[3 + 2 * i], ARGV[4 + 2 * i], ttl) end
for i = 3 + 2 * count, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
local n, used = usage()
return {n, tostring(used)}
`);

/**
 * An instance says it is alive, and reads who else is, with what they published. KEYS: the
 * instances (a sorted set: id -> expiry) and their payloads (a hash). ARGV: id, ttl ms, payload
 * ('' to publish nothing, '-' to leave). Returns {count, id1, payload1, ...} of the live others.
 */
export const HEARTBEAT = new Script(`${PRELUDE}
local id, ttl, payload = ARGV[1], tonumber(ARGV[2]), ARGV[3]
if payload == '-' then
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
else
  redis.call('ZADD', KEYS[1], now + ttl, id)
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  if payload ~= '' then
    redis.call('HSET', KEYS[2], id, payload)
    redis.call('PEXPIRE', KEYS[2], ttl * 2)
  end
end
local out = {redis.call('ZCARD', KEYS[1])}
if payload ~= '' and payload ~= '-' then
  local all = redis.call('HGETALL', KEYS[2])
  for i = 1, #all, 2 do
    if all[i] ~= id then
      out[#out + 1] = all[i]
      out[#out + 1] = all[i + 1]
    end
  end
end
return out
`);

/** Keys of one model's leases, in one hash slot (braces in the id are escaped out of the tag). */
export function modelKeys(prefix: string, model: string): [string, string] {
  const tag = `${prefix}:m:${model.replace(/[{}%]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`;
  return [`{${tag}}:leases`, `{${tag}}:tokens`];
}

/** Keys of an instance registry (`what`: 'capacity' or 'load'), in one hash slot. */
export function registryKeys(prefix: string, what: string): [string, string] {
  return [`{${prefix}:${what}}:instances`, `{${prefix}:${what}}:payloads`];
}
