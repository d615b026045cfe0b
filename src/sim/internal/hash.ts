import { finalise, hashString } from '../../utils/hash.js';

/**
 * Small, fast, platform-independent 32-bit hashing used to derive independent random streams
 * (one per request and model) from a single seed. Internal to the simulator.
 */

/** Mixes a 32-bit value into a running hash (murmur3-style round). */
function mix(h: number, k: number): number {
  let x = Math.imul(k, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

/**
 * Hashes a list of numbers and strings to an unsigned 32-bit seed. Integers hash by value (both
 * 32-bit halves); other numbers and strings hash by their text. Same parts, same seed.
 */
export function hashSeed(...parts: ReadonlyArray<number | string>): number {
  let h = 0x9747b28c;
  for (const part of parts) {
    if (typeof part === 'number' && Number.isSafeInteger(part)) {
      h = mix(h, part >>> 0);
      h = mix(h, Math.floor(part / 4294967296) >>> 0);
    } else {
      h = mix(h, hashString(String(part)));
    }
  }
  return finalise(h);
}

/** Mixes a safe integer (both 32-bit halves) into a running hash. */
function mixInt(h: number, v: number): number {
  return mix(mix(h, v >>> 0), Math.floor(v / 4294967296) >>> 0);
}

/**
 * Hashes four integers to an unsigned 32-bit seed, without allocating: the per-call seed of a
 * simulated model call (run seed, request id, model id hash, attempt). Equal to
 * `hashSeed(a, b, c, d)` for safe integers.
 */
export function hashInts(a: number, b: number, c: number, d: number): number {
  return finalise(mixInt(mixInt(mixInt(mixInt(0x9747b28c, a), b), c), d));
}
