/**
 * The targets the benchmarks are held to, each marked met or missed in one summary at the end of
 * `npm run bench`. Figures are printed, never asserted: a missed target is for the reader.
 */
interface Target {
  readonly name: string;
  readonly value: number;
  readonly op: '<=' | '>=';
  readonly limit: number;
  readonly unit: string;
}

const targets: Target[] = [];

/** Records a target and returns its line, e.g. `2.31x   (target <= 2.5x: met)`. */
export function target(
  name: string,
  value: number,
  op: '<=' | '>=',
  limit: number,
  unit = 'x',
): string {
  const t = { name, value, op, limit, unit };
  targets.push(t);
  return `${format(value, unit)}   (target ${op} ${format(limit, unit)}: ${met(t) ? 'met' : 'MISSED'})`;
}

const format = (v: number, unit: string): string => `${v.toFixed(unit === 'x' ? 2 : 1)}${unit}`;

const met = (t: Target): boolean => (t.op === '<=' ? t.value <= t.limit : t.value >= t.limit);

/** Prints every recorded target, met or missed. */
export function printTargets(): void {
  console.log('\n## Targets\n');
  const width = Math.max(...targets.map((t) => t.name.length));
  for (const t of targets) {
    console.log(
      `${met(t) ? 'met   ' : 'MISSED'}  ${t.name.padEnd(width)}  ${format(t.value, t.unit).padStart(9)}  (${t.op} ${format(t.limit, t.unit)})`,
    );
  }
  const missed = targets.filter((t) => !met(t)).length;
  console.log(`\n${targets.length - missed} of ${targets.length} targets met`);
}
