/**
 * A terminal view of a router's live numbers, drawn from `snapshot()` and a few counters: per model
 * a load bar against its capacity, queued and waiting requests, p95 latency and health; then spills
 * and errors. `npm run demo -- --live` redraws it every 250 ms.
 */
import type { RouterSnapshot } from '../src/index.js';

/** Counters the view shows beside the snapshot (the demo counts them from events). */
export interface LiveCounters {
  readonly served: number;
  readonly spills: number;
  readonly errors: number;
}

const BAR = 12;
const paint = (on: boolean, code: string, text: string): string =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

/** The view's lines for one router: plain text, or with ANSI colours when `color` is set. */
export function renderLiveView(
  name: string,
  snap: RouterSnapshot,
  counters: LiveCounters,
  color = false,
): string[] {
  const lines = [paint(color, '1', `${name} (${snap.strategy})`)];
  for (const m of snap.models) {
    const filled = Math.min(BAR, Math.round((m.inFlight / Math.max(1, m.concurrency)) * BAR));
    const bar = `${'█'.repeat(filled)}${'·'.repeat(BAR - filled)}`;
    const p95s = Object.values(m.tasks)
      .filter((t) => t.count > 0)
      .map((t) => t.p95);
    const p95 = p95s.length > 0 ? `${Math.round(Math.max(...p95s))} ms` : '-';
    const health = paint(
      color,
      m.health === 'healthy' ? '32' : m.health === 'degraded' ? '33' : '31',
      m.health,
    );
    const load = `${m.inFlight}/${m.concurrency}`.padStart(5);
    lines.push(
      `  ${m.id.padEnd(13)} [${paint(color, filled === BAR ? '33' : '36', bar)}] ${load}` +
        `  +${String(m.queued).padStart(3)} queued ${String(m.waiting).padStart(3)} waiting` +
        `  p95 ${p95.padStart(7)}  ${health}`,
    );
  }
  const share = counters.served > 0 ? Math.round((100 * counters.spills) / counters.served) : 0;
  lines.push(
    `  served ${counters.served}, spilled ${counters.spills} (${share}%), errors ${counters.errors},` +
      ` admission queue ${snap.waiting}/${snap.maxWaiting}`,
  );
  return lines;
}
