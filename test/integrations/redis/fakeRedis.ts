import type { RedisScriptClient } from '../../../src/integrations/redis/client.js';
import { ACQUIRE, HEARTBEAT, SYNC } from '../../../src/integrations/redis/scripts.js';

/**
 * An in-memory stand-in for Redis that runs zeta-router's three scripts (the same steps as their
 * Lua, on the test's clock): for unit and property tests of the coordinator's own logic. The real
 * scripts run against a real redis-server in the integration tests.
 */
export class FakeRedis {
  readonly zsets = new Map<string, Map<string, number>>();
  readonly hashes = new Map<string, Map<string, string>>();
  constructor(readonly now: () => number) {}

  /** Forgets everything (a restart without persistence). */
  wipe(): void {
    this.zsets.clear();
    this.hashes.clear();
  }

  /** Members of a sorted set that have not expired. */
  live(key: string): number {
    let n = 0;
    for (const score of this.zsets.get(key)?.values() ?? []) if (score > this.now()) n++;
    return n;
  }

  run(sha: string, keys: readonly string[], args: readonly string[]): unknown[] {
    const now = this.now();
    const z = this.#z(keys[0]!);
    const h = this.#h(keys[1]!);
    for (const [id, score] of z) {
      if (score <= now) {
        z.delete(id);
        h.delete(id);
      }
    }
    const usage = (): [number, string] => {
      let used = 0;
      for (const v of h.values()) used += Number(v);
      return [z.size, String(used)];
    };
    const hold = (id: string, tokens: string, ttl: number): void => {
      z.set(id, now + ttl);
      h.set(id, tokens);
    };
    if (sha === ACQUIRE.sha) {
      const [id, tokens, conc, maxT, ttl] = args as [string, string, string, string, string];
      const [n, used] = usage();
      if (z.has(id)) {
        hold(id, tokens, Number(ttl));
        return [1, n, used];
      }
      const m = Number(maxT);
      if (n >= Number(conc) || (m >= 0 && Number(used) + Number(tokens) > m)) return [0, n, used];
      hold(id, tokens, Number(ttl));
      return [1, n + 1, String(Number(used) + Number(tokens))];
    }
    if (sha === SYNC.sha) {
      const ttl = Number(args[0]);
      const count = Number(args[1]);
      for (let i = 0; i < count; i++) hold(args[2 + 2 * i]!, args[3 + 2 * i]!, ttl);
      for (let i = 2 + 2 * count; i < args.length; i++) {
        z.delete(args[i]!);
        h.delete(args[i]!);
      }
      return usage();
    }
    if (sha === HEARTBEAT.sha) {
      const [id, ttl, payload] = args as [string, string, string];
      if (payload === '-') {
        z.delete(id);
        h.delete(id);
      } else {
        z.set(id, now + Number(ttl));
        if (payload !== '') h.set(id, payload);
      }
      const out: unknown[] = [z.size];
      if (payload !== '' && payload !== '-') {
        for (const [other, p] of h) if (other !== id) out.push(other, p);
      }
      return out;
    }
    throw new Error('NOSCRIPT No matching script');
  }

  /** A client over this fake whose every call goes through `gate` (to delay or fail it). */
  client(gate: (apply: () => unknown[]) => Promise<unknown>): RedisScriptClient {
    return {
      evalsha: (sha, keys, args) => gate(() => this.run(sha, keys, args)),
      eval: () => Promise.reject(new Error('EVAL is not used by the fake')),
    };
  }

  #z(key: string): Map<string, number> {
    const z = this.zsets.get(key) ?? new Map<string, number>();
    this.zsets.set(key, z);
    return z;
  }

  #h(key: string): Map<string, string> {
    const h = this.hashes.get(key) ?? new Map<string, string>();
    this.hashes.set(key, h);
    return h;
  }
}
