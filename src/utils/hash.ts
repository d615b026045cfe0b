/**
 * Small, platform-independent 32-bit hashing: stable across runs, processes and machines, so what
 * is derived from it (an experiment arm, a simulator's random stream) is reproducible.
 */

/** The murmur3 finaliser: spreads every input bit over the output (an unsigned 32-bit integer). */
export function finalise(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a hash of a string's UTF-16 code units, as an unsigned 32-bit integer. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** A string hashed to a point in [0, 1): the same string, the same point, uniform over strings. */
export function unitHash(text: string): number {
  return finalise(hashString(text)) / 4294967296;
}

/**
 * The `n`-th point of the golden-ratio (Weyl) sequence in [0, 1), on the low 32 bits of `n`:
 * consecutive integers spread evenly over [0, 1), so the fraction of the first `n` that fall in
 * any interval matches its length within a few counts.
 */
export function goldenPoint(n: number): number {
  return (Math.imul(n | 0, 0x9e3779b9) >>> 0) / 4294967296;
}
