import type { RandomSource } from '../types.js';

/**
 * A seeded pseudo-random source (sfc32 seeded through splitmix32): the same seed gives the same
 * sequence on every platform. Use it as the router's `random` to make tie-breaks reproducible.
 *
 * @param seed - Any 32-bit integer (other numbers are truncated).
 * @returns A function giving uniform numbers in [0, 1).
 * @example
 * const router = new ZetaDynamicRouter({ models, random: seededRandom(42) });
 */
export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}
