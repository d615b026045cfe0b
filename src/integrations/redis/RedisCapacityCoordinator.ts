import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type {
  CapacityCoordinator,
  CapacityLease,
  CapacityLimits,
  LeaseRequest,
} from '../../capacity/CapacityCoordinator.js';
import { describeError } from '../../errors/describeError.js';
import type { Clock } from '../../types.js';
import type { RedisScriptClient, Script } from './client.js';
import {
  checkCoordinatorOptions,
  coordinatorDefaults,
  type RedisCapacityCoordinatorOptions,
} from './options.js';
import { ACQUIRE, HEARTBEAT, modelKeys, registryKeys, SYNC } from './scripts.js';
import { runScript, systemClock } from './timing.js';

/** `health`: Redis became unreachable (or too slow), or answers again. */
export interface RedisHealthEvent {
  /** `down`: routing goes on with this instance's local share; `up`: shared again. */
  readonly state: 'up' | 'down';
  /** When, on the coordinator's clock, in ms. */
  readonly at: number;
  /** What failed (for `down`). */
  readonly reason?: string;
  /** Instances last seen sharing the capacity (this one included). */
  readonly instances: number;
}

/** Events of {@link RedisCapacityCoordinator}. */
export interface RedisCapacityEvents {
  health: [RedisHealthEvent];
}

/** A lease as this coordinator hands it out. */
interface Held extends CapacityLease {
  readonly id: string;
}

/** What the coordinator knows of one model. */
interface ModelView {
  readonly keys: [string, string];
  readonly limits: CapacityLimits;
  /** Usage across every instance, from Redis's last answer. */
  calls: number;
  tokens: number;
  /** This instance's own leases. */
  localCalls: number;
  localTokens: number;
  full: boolean;
  /** What the other instances held when Redis went down (from the last answer): calls, tokens. */
  othersCalls: number;
  othersTokens: number;
  /** Lease ids to drop from Redis when it answers again (released or refused while it did not). */
  readonly drop: Set<string>;
}

/**
 * A {@link CapacityCoordinator} over Redis, for routers in several processes or machines calling the
 * same model servers: each model's calls and tokens in flight are leases in Redis, taken and given
 * back atomically by Lua scripts, so the sum over every instance never exceeds the model's
 * `concurrency` or `maxTokens`.
 *
 * - Leases expire `leaseTtlMs` after their last renewal (live ones are renewed every third of it),
 *   so the capacity of a crashed instance returns within the TTL. Expiry runs on Redis's clock.
 * - `isFull` answers from a view refreshed every `refreshMs` (and by every answer): a decision
 *   never waits on Redis; only a call's start does (one round trip).
 * - Redis down or slower than `commandTimeoutMs`: leases are granted locally, up to this instance's
 *   share of each limit (`fallbackShare`, default 1 / the instances last seen, less what the
 *   others held beyond their shares when Redis went down), a `health` event
 *   says so, and the coordinator rejoins when Redis answers again: it re-asserts its live leases
 *   under their own ids (so none is counted twice), drops the ones given back meanwhile, and counts
 *   on Redis again `rejoinDelayMs` later (once every instance has re-asserted its own). Meanwhile
 *   a lease the share allows is also taken in Redis, atomically, so an instance already back on
 *   Redis cannot take the same slot.
 *
 * Call {@link RedisCapacityCoordinator.close} after closing the routers: it stops the timer and
 * leaves.
 */
export class RedisCapacityCoordinator
  extends EventEmitter<RedisCapacityEvents>
  implements CapacityCoordinator
{
  readonly #client: RedisScriptClient;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #overrides: Readonly<Record<string, CapacityLimits>>;
  readonly #ttl: number;
  readonly #refreshMs: number;
  readonly #timeoutMs: number;
  readonly #fallbackShare: number | undefined;
  readonly #id: string;
  readonly #live = new Map<string, Held>();
  readonly #models = new Map<string, ModelView>();
  readonly #listeners = new Set<(model: string) => void>();
  #state: 'up' | 'down' = 'up';
  #instances = 1;
  /** The most instances seen within the last lease TTL: the count the local share divides by. */
  #peakInstances = 1;
  #peakAt = Number.NEGATIVE_INFINITY;
  /** Whether Redis ever answered a heartbeat: until then, the other instances are unknown. */
  #seen = false;
  /** When Redis went down, on the clock. */
  #downSince = Number.NEGATIVE_INFINITY;
  /** After an outage: when this instance goes back to Redis's counts (NaN: not rejoining). */
  #rejoinAt = Number.NaN;
  readonly #rejoinDelayMs: number;
  #seq = 0;
  #timer: unknown = undefined;
  #closed = false;
  #lastRenew = Number.NEGATIVE_INFINITY;
  /** Set when a lease is granted locally (the rejoin re-asserts those granted during its sync). */
  #dirty = false;

  /** @throws {ZetaError} `CONFIG_INVALID` listing every problem with the options. */
  constructor(options: RedisCapacityCoordinatorOptions) {
    super();
    const o = checkCoordinatorOptions(options);
    this.#client = o.client;
    this.#clock = o.clock ?? systemClock;
    this.#prefix = o.prefix ?? coordinatorDefaults.prefix;
    this.#overrides = { ...(o.limits ?? {}) };
    this.#ttl = o.leaseTtlMs ?? coordinatorDefaults.leaseTtlMs;
    this.#refreshMs = o.refreshMs ?? coordinatorDefaults.refreshMs;
    this.#timeoutMs = o.commandTimeoutMs ?? coordinatorDefaults.commandTimeoutMs;
    this.#fallbackShare = o.fallbackShare;
    this.#rejoinDelayMs = o.rejoinDelayMs ?? coordinatorDefaults.rejoinDelayMs;
    this.#id = o.instanceId ?? randomUUID();
    this.#schedule(0);
  }

  /** `up` while Redis answers; `down` while routing runs on this instance's local share. */
  get state(): 'up' | 'down' {
    return this.#state;
  }

  /** Instances last seen sharing the capacity (this one included). */
  get instances(): number {
    return this.#instances;
  }

  /** This instance's id in Redis. */
  get instanceId(): string {
    return this.#id;
  }

  /** A model's usage: across every instance (Redis's last answer) and this instance's own. */
  usage(model: string): {
    readonly calls: number;
    readonly tokens: number;
    readonly localCalls: number;
    readonly localTokens: number;
  } {
    const m = this.#models.get(model);
    return {
      calls: m?.calls ?? 0,
      tokens: m?.tokens ?? 0,
      localCalls: m?.localCalls ?? 0,
      localTokens: m?.localTokens ?? 0,
    };
  }

  acquire(request: LeaseRequest): CapacityLease | undefined | Promise<CapacityLease | undefined> {
    const m = this.#view(request.model, request.limits);
    const id = `${this.#id}:${(++this.#seq).toString(36)}`;
    const tokens = request.tokens;
    if (this.#closed) return this.#local(request.model, m, id, tokens);
    // Rejoining (Redis answers again, this instance still keeps to its share): a lease the share
    // allows is taken in Redis too, atomically against the instances already counting on Redis (a
    // local grant reached Redis a round trip late, and one of them could take the same slot).
    if (this.#state === 'down' && (Number.isNaN(this.#rejoinAt) || !this.#fitsShare(m, tokens)))
      return this.#local(request.model, m, id, tokens);
    const maxTokens = Number.isFinite(m.limits.maxTokens) ? String(m.limits.maxTokens) : '-1';
    return this.#run(ACQUIRE, m.keys, [
      id,
      String(tokens),
      String(m.limits.concurrency),
      maxTokens,
      String(this.#ttl),
    ]).then(
      (reply) => {
        m.calls = Number(reply[1]);
        m.tokens = Number(reply[2]);
        if (Number(reply[0]) === 1) return this.#hold(request.model, m, id, tokens);
        m.full = true;
        return undefined;
      },
      (error: unknown) => {
        // The script may have run: a lease granted locally keeps this id (re-asserted on rejoin),
        // one refused is dropped then.
        this.#down(error);
        let lease: Held | undefined;
        try {
          lease = this.#local(request.model, m, id, tokens);
        } finally {
          if (lease === undefined) m.drop.add(id);
        }
        return lease;
      },
    );
  }

  release(lease: CapacityLease): void {
    const id = (lease as Partial<Held>).id;
    if (typeof id !== 'string' || this.#live.get(id) !== lease) return;
    this.#live.delete(id);
    const m = this.#models.get(lease.model)!;
    m.localCalls--;
    m.localTokens = m.localCalls === 0 ? 0 : m.localTokens - lease.tokens;
    if (this.#state === 'up' && !this.#closed) {
      m.calls = Math.max(0, m.calls - 1);
      m.tokens = Math.max(0, m.tokens - lease.tokens);
      this.#run(SYNC, m.keys, [String(this.#ttl), '0', id]).then(
        (reply) => {
          m.calls = Number(reply[0]);
          m.tokens = Number(reply[1]);
        },
        (error: unknown) => {
          m.drop.add(id);
          this.#down(error);
        },
      );
    } else {
      m.drop.add(id);
    }
    this.#refresh(lease.model, m);
  }

  isFull(model: string): boolean {
    return this.#models.get(model)?.full ?? false;
  }

  watch(listener: (model: string) => void): () => void {
    const own = (model: string): void => listener(model);
    this.#listeners.add(own);
    return () => {
      this.#listeners.delete(own);
    };
  }

  /**
   * Stops the refresh timer, gives back in Redis the leases still held (the routers should be
   * closed first) and leaves the instance registry. Never rejects.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#state === 'down') return;
    const [k1, k2] = registryKeys(this.#prefix, 'capacity');
    const work: Promise<unknown>[] = [
      this.#run(HEARTBEAT, [k1, k2], [this.#id, String(this.#ttl), '-']),
    ];
    for (const m of this.#models.values()) {
      const ids = [...m.drop];
      for (const h of this.#live.values()) if (this.#models.get(h.model) === m) ids.push(h.id);
      if (ids.length > 0) work.push(this.#run(SYNC, m.keys, [String(this.#ttl), '0', ...ids]));
    }
    await Promise.allSettled(work);
  }

  #view(model: string, limits: CapacityLimits): ModelView {
    let m = this.#models.get(model);
    if (m === undefined) {
      const own = Object.hasOwn(this.#overrides, model) ? this.#overrides[model] : undefined;
      m = {
        keys: modelKeys(this.#prefix, model),
        limits: own ?? { concurrency: limits.concurrency, maxTokens: limits.maxTokens },
        calls: 0,
        tokens: 0,
        localCalls: 0,
        localTokens: 0,
        full: false,
        othersCalls: 0,
        othersTokens: 0,
        drop: new Set(),
      };
      this.#models.set(model, m);
    }
    return m;
  }

  #hold(model: string, m: ModelView, id: string, tokens: number): Held {
    const held: Held = { id, model, tokens };
    this.#live.set(id, held);
    m.localCalls++;
    m.localTokens += tokens;
    m.full = this.#fullNow(m);
    return held;
  }

  /** Whether this instance's share of the model's limits takes one more call of `tokens`. */
  #fitsShare(m: ModelView, tokens: number): boolean {
    const calls = this.#allowance(m.limits.concurrency, m.othersCalls, true);
    const budget = this.#allowance(m.limits.maxTokens, m.othersTokens, false);
    return m.localCalls + 1 <= calls && m.localTokens + tokens <= budget;
  }

  /**
   * Redis is not answering: this instance's share of the model's limits. A request that fits the
   * share once this instance's own calls end is refused (the model counts as full until one ends).
   * One that never fits it (a share of no call, or fewer tokens than it needs) is refused too while
   * Redis has been down for less than the lease TTL (it may come back); after that it throws, so the
   * router fails it over or sheds it rather than have it wait for Redis for ever.
   *
   * @throws {Error} when the local share cannot take the request and Redis has been down a TTL.
   */
  #local(model: string, m: ModelView, id: string, tokens: number): Held | undefined {
    const calls = this.#allowance(m.limits.concurrency, m.othersCalls, true);
    const budget = this.#allowance(m.limits.maxTokens, m.othersTokens, false);
    if (calls < 1 || tokens > budget) {
      if (this.#waitingForRedis()) {
        m.full = true;
        return undefined;
      }
      throw new Error(
        `Redis is unreachable and this instance's local share of ${model} (${calls} calls, ${budget} tokens) cannot take a request of ${tokens} tokens; retry when Redis is back`,
      );
    }
    if (m.localCalls + 1 > calls || m.localTokens + tokens > budget) {
      m.full = true;
      return undefined;
    }
    this.#dirty = true;
    return this.#hold(model, m, id, tokens);
  }

  /**
   * What this instance may hold of `limit` while Redis is down: its share (`fallbackShare`, or
   * 1 / the instances seen), less what the others may hold beyond theirs. Every instance keeps to
   * the most of its share and what it held when Redis went down (which only drains), so the others
   * hold at most `(n - 2) * share + max(others, share)`, `others` being what they held then.
   */
  #allowance(limit: number, others: number, whole: boolean): number {
    if (!Number.isFinite(limit)) return limit;
    // Never reached Redis: how many others share the model is unknown, so no share of one's own.
    if (!this.#seen && this.#fallbackShare === undefined) return 0;
    const n = this.#peakInstances;
    const raw = limit * (this.#fallbackShare ?? 1 / n);
    const share = whole ? Math.floor(raw) : raw;
    const room = limit - (n - 2) * share - Math.max(others, share);
    return Math.max(0, Math.min(share, room));
  }

  /** Whether Redis has been down for less than a lease TTL (work without a share waits for it). */
  #waitingForRedis(): boolean {
    return this.#state === 'down' && this.#clock.now() - this.#downSince < this.#ttl;
  }

  #fullNow(m: ModelView): boolean {
    if (this.#state === 'up')
      return m.calls >= m.limits.concurrency || m.tokens >= m.limits.maxTokens;
    const calls = this.#allowance(m.limits.concurrency, m.othersCalls, true);
    // No share at all: full while Redis may still come back, then not (requests try and fail fast).
    if (calls < 1) return this.#waitingForRedis();
    return (
      m.localCalls >= calls ||
      m.localTokens >= this.#allowance(m.limits.maxTokens, m.othersTokens, false)
    );
  }

  /** Recomputes `full`; a model with room is announced (the router pumps it). */
  #refresh(model: string, m: ModelView): void {
    m.full = this.#fullNow(m);
    if (m.full) return;
    for (const listener of this.#listeners) {
      try {
        listener(model);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #down(error: unknown): void {
    this.#rejoinAt = Number.NaN;
    if (this.#state === 'down' || this.#closed) return;
    this.#state = 'down';
    this.#downSince = this.#clock.now();
    for (const m of this.#models.values()) {
      m.othersCalls = Math.max(0, m.calls - m.localCalls);
      m.othersTokens = Math.max(0, m.tokens - m.localTokens);
    }
    this.emit('health', {
      state: 'down',
      at: this.#clock.now(),
      reason: describeError(error, 200),
      instances: this.#instances,
    });
    for (const [model, m] of this.#models) this.#refresh(model, m);
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, ms);
  }

  /** Heartbeat, then renew / re-assert / drop leases and read every model's usage. */
  async #tick(): Promise<void> {
    try {
      const [k1, k2] = registryKeys(this.#prefix, 'capacity');
      const beat = await this.#run(HEARTBEAT, [k1, k2], [this.#id, String(this.#ttl), '']);
      const now = this.#clock.now();
      this.#countInstances(Math.max(1, Number(beat[0])), now);
      this.#seen = true;
      // Back after an outage: keep to the local share for `rejoinDelayMs` while every instance
      // re-asserts its leases (a restarted Redis knows none), then count on Redis again.
      const down = this.#state === 'down';
      if (down && Number.isNaN(this.#rejoinAt)) this.#rejoinAt = now + this.#rejoinDelayMs;
      const rejoin = down && now >= this.#rejoinAt;
      const renew = down || now - this.#lastRenew >= this.#ttl / 3;
      this.#dirty = false;
      await this.#syncAll(renew);
      if (renew) this.#lastRenew = now;
      let next = this.#refreshMs;
      if (rejoin && !this.#closed && this.#state === 'down' && !Number.isNaN(this.#rejoinAt)) {
        this.#rejoinAt = Number.NaN;
        this.#state = 'up';
        // Leases granted locally while the last sync was on the way: re-asserted at once.
        if (this.#dirty) {
          this.#lastRenew = Number.NEGATIVE_INFINITY;
          next = 0;
        }
        this.emit('health', { state: 'up', at: this.#clock.now(), instances: this.#instances });
      }
      for (const [model, m] of this.#models) this.#refresh(model, m);
      this.#schedule(next);
      return;
    } catch (error) {
      this.#down(error);
      // Still down: models whose waiting is over are announced (their requests now fail fast).
      for (const [model, m] of this.#models) this.#refresh(model, m);
    }
    this.#schedule(this.#refreshMs);
  }

  /** Keeps the most instances seen within the last lease TTL (a restarted Redis knows few at first). */
  #countInstances(count: number, now: number): void {
    this.#instances = count;
    if (count >= this.#peakInstances || now - this.#peakAt > this.#ttl) {
      this.#peakInstances = count;
      this.#peakAt = now;
    }
  }

  async #syncAll(renew: boolean): Promise<void> {
    const held = new Map<ModelView, Held[]>();
    if (renew) {
      for (const h of this.#live.values()) {
        const m = this.#models.get(h.model)!;
        const list = held.get(m);
        if (list) list.push(h);
        else held.set(m, [h]);
      }
    }
    await Promise.all(
      [...this.#models.values()].map(async (m) => {
        const hold = held.get(m) ?? [];
        const drop = [...m.drop];
        const args = [String(this.#ttl), String(hold.length)];
        for (const h of hold) args.push(h.id, String(h.tokens));
        // A lease given back while its renewal was on the way is dropped again, not renewed.
        for (const id of drop) if (!hold.some((h) => h.id === id)) args.push(id);
        const reply = await this.#run(SYNC, m.keys, args);
        for (const id of drop) m.drop.delete(id);
        m.calls = Number(reply[0]);
        m.tokens = Number(reply[1]);
      }),
    );
  }

  #run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown[]> {
    return runScript(script, this.#client, this.#clock, this.#timeoutMs, keys, args);
  }
}
