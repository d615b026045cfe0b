/**
 * The first `count` items of `items` (fewer when it ends sooner). Pulls no item past the last one
 * kept, and none at all for a count of 0, so it stops an endless generator and never starts one
 * it does not need.
 */
export function take<T>(items: Iterable<T>, count: number): T[] {
  const out: T[] = [];
  if (count === 0) return out;
  for (const item of items) {
    out.push(item);
    if (out.length >= count) break;
  }
  return out;
}
