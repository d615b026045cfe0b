import type { ServerLoad, SpillAt } from './ModelProbe.js';

const FIELDS = ['running', 'waiting', 'kvCacheUsage', 'memoryUsage', 'cpuCores'] as const;

/**
 * A plain, checked copy of what a probe returned: the known fields that are finite numbers >= 0
 * (fractions clamped to 1); `undefined` when nothing usable is there. Never throws.
 */
export function checkedLoad(value: unknown): ServerLoad | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const out: Record<string, number> = {};
    let any = false;
    for (const key of FIELDS) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
      out[key] = key === 'kvCacheUsage' || key === 'memoryUsage' ? Math.min(v, 1) : v;
      any = true;
    }
    return any ? Object.freeze(out) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `load` reaches any of the `spillAt` thresholds. */
export function reachesSpillAt(
  load: ServerLoad | undefined,
  spillAt: SpillAt | undefined,
): boolean {
  if (load === undefined || spillAt === undefined) return false;
  const at = (v: number | undefined, limit: number | undefined): boolean =>
    v !== undefined && limit !== undefined && v >= limit;
  return (
    at(load.waiting, spillAt.waiting) ||
    at(load.kvCacheUsage, spillAt.kvCacheUsage) ||
    at(load.memoryUsage, spillAt.memoryUsage)
  );
}
