/**
 * Compiling and matching rule-classifier cues. Not public API.
 */
import { describeValue } from '../../utils/options.js';
import type { WeightedCue } from '../ruleCues.js';

/**
 * A cue ready to test. Single-word string cues become `word` cues, found with `indexOf` in the
 * lower-cased text: several times cheaper than a case-insensitive RegExp per cue.
 */
export type CompiledCue =
  | { readonly kind: 'regexp'; readonly re: RegExp; readonly weight: number }
  | {
      readonly kind: 'word';
      readonly word: string;
      readonly boundedStart: boolean;
      readonly boundedEnd: boolean;
      readonly weight: number;
    };

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileCue(problems: string[], name: string, cue: unknown): CompiledCue | undefined {
  let pattern: unknown = cue;
  let weight = 1;
  if (typeof cue === 'object' && cue !== null && !(cue instanceof RegExp)) {
    const { pattern: p, weight: w } = cue as Partial<WeightedCue>;
    if (typeof w === 'number' && Number.isFinite(w) && w > 0) weight = w;
    else problems.push(`\`${name}.weight\` must be a finite number > 0, got ${describeValue(w)}`);
    pattern = p;
    name = `${name}.pattern`;
  }
  if (pattern instanceof RegExp) {
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return { kind: 'regexp', re, weight };
  }
  if (typeof pattern === 'string' && pattern.trim().length > 0) {
    const text = pattern.trim();
    // Word boundaries only where the cue starts or ends with a word character (`c++`, `#include`).
    const boundedStart = /^\w/.test(text);
    const boundedEnd = /\w$/.test(text);
    if (!/\s/.test(text)) {
      return { kind: 'word', word: text.toLowerCase(), boundedStart, boundedEnd, weight };
    }
    // Bounded gaps between words: a run of spaces cannot make the pattern backtrack for long.
    const source = escapeRegExp(text).replace(/\s+/g, '\\s{1,8}');
    const re = new RegExp(`${boundedStart ? '\\b' : ''}${source}${boundedEnd ? '\\b' : ''}`, 'i');
    return { kind: 'regexp', re, weight };
  }
  problems.push(
    `\`${name}\` must be a non-empty string, a RegExp or { pattern, weight }, got ${describeValue(pattern)}`,
  );
  return undefined;
}

/** Compiles a cue list option, recording a problem for each bad cue. */
export function compileCues(problems: string[], name: string, value: unknown): CompiledCue[] {
  if (!Array.isArray(value)) {
    problems.push(`\`${name}\` must be an array of cues, got ${describeValue(value)}`);
    return [];
  }
  return value.flatMap((cue, i) => compileCue(problems, `${name}[${i}]`, cue) ?? []);
}

/** Whether the UTF-16 unit at `i` is a `\w` character (false out of range), as `\b` sees it. */
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 // 0-9 A-Z a-z _
  );
}

function hasWord(lower: string, cue: Extract<CompiledCue, { kind: 'word' }>): boolean {
  for (let i = lower.indexOf(cue.word); i >= 0; i = lower.indexOf(cue.word, i + 1)) {
    const startOk = !cue.boundedStart || !isWordChar(lower, i - 1);
    if (startOk && (!cue.boundedEnd || !isWordChar(lower, i + cue.word.length))) return true;
  }
  return false;
}

/** The scanned text, plus its lower-cased copy made at most once and only if a word cue asks. */
export interface ScanText {
  readonly text: string;
  lower: string | undefined;
}

/** The summed weight of the distinct cues found in the scanned text. */
export function cueWeight(cues: readonly CompiledCue[], scan: ScanText): number {
  let total = 0;
  for (const cue of cues) {
    let hit: boolean;
    if (cue.kind === 'regexp') hit = cue.re.test(scan.text);
    else {
      scan.lower ??= scan.text.toLowerCase();
      hit = hasWord(scan.lower, cue);
    }
    if (hit) total += cue.weight;
  }
  return total;
}
