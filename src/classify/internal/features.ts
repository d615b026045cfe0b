/**
 * Hashed text features of the learned classifier. Not public API.
 *
 * One pass over a bounded window of the request's text, char code by char code, with no regular
 * expression, no lower-cased copy and no token strings: each token's hash is built as its
 * characters go by, and every feature is a bucket index written into a caller-owned Int32Array.
 * The cost is linear in the window, which is at most {@link WINDOW_HEAD} + {@link WINDOW_TAIL}
 * characters whatever the prompt's length.
 *
 * Features (each hashed with its own kind, so kinds never share a bucket on purpose):
 * - word unigrams: runs of ASCII letters, digits, `_` and non-ASCII characters, ASCII lower-cased;
 *   an all-digit run becomes a number token by its length (1, 2, 3, 4+ digits);
 * - symbol tokens: every other visible ASCII character (`$`, `\`, `{`, `=`, `?` ...) is a token;
 * - bigrams of consecutive tokens (words and symbols), across whitespace;
 * - word groups (`lexicon.ts`): programming, everyday arithmetic, advanced maths and logic words;
 * - a 5-character prefix of words of 6 characters or more, a cheap stem (`functions` ~ `function`);
 * - shapes: camelCase and letter+digit words, line starts that look like list options (`A.`);
 * - the first word; whether the text ends with `?`; the text's length and line count (log buckets)
 *   and how many numbers it holds (0, 1, 2, 3-4, 5+);
 * - rule signals: a ``` fence, a stack trace (the high-precision cues of the rule classifier).
 */

import { advancedMathWords, codeWords, mathWords, reasoningWords } from './lexicon.js';

/** Characters read from the start of a long text. */
export const WINDOW_HEAD = 768;
/** Characters read from the end of a long text. */
export const WINDOW_TAIL = 256;
/** Most features one window can produce (at most 3 per character, plus the fixed ones). */
export const MAX_FEATURES = 5 * (WINDOW_HEAD + WINDOW_TAIL + 2) + 16;

const KIND_WORD = 0x9e3779b1;
const KIND_BIGRAM = 0x85ebca77;
const KIND_PREFIX = 0xc2b2ae3d;
const KIND_FIRST = 0x27d4eb2f;
const KIND_FIXED = 0x165667b1;

/** Fixed features: shapes, signals and buckets. */
enum Fixed {
  CodeWord = 7,
  MathWord = 8,
  ReasoningWord = 9,
  AdvancedMathWord = 11,
  Number = 10,
  Camel = 1,
  AlphaNumeric = 2,
  EndsWithQuestion = 3,
  Fence = 4,
  StackTrace = 5,
  OptionLine = 6,
  /** Length bucket b is LengthBase + b. */
  LengthBase = 32,
  /** Line-count bucket b is LinesBase + b. */
  LinesBase = 64,
  /** Count of number tokens, bucket b (0, 1, 2, 3-4, 5+) is NumbersBase + b. */
  NumbersBase = 96,
}

/** Tokens standing for numbers of 1, 2, 3 and 4+ digits. */
const NUMBER_TOKEN = [0, 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a] as const;

/** The running hash of a word, as {@link extractFeatures} builds it (ASCII lower-cased). */
export function wordHash(word: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < word.length; i++) {
    let c = word.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/** Slots of the word-group table (a power of two, well above the number of group words). */
const GROUP_SLOTS = 4096;

/**
 * Word hash to group bits (1 code, 2 maths, 4 logic, 8 advanced maths), as an open-addressing
 * table of typed arrays: a lookup is a few array reads, with no hashing of boxed numbers.
 */
const groupTable = (() => {
  const keys = new Int32Array(GROUP_SLOTS);
  const bits = new Uint8Array(GROUP_SLOTS);
  const add = (words: readonly string[], bit: number): void => {
    for (const word of words) {
      const h = wordHash(word) | 0;
      let slot = mix(h) & (GROUP_SLOTS - 1);
      while (bits[slot] !== 0 && keys[slot] !== h) slot = (slot + 1) & (GROUP_SLOTS - 1);
      keys[slot] = h;
      bits[slot] = bits[slot]! | bit;
    }
  };
  add(codeWords, 1);
  add(mathWords, 2);
  add(reasoningWords, 4);
  add(advancedMathWords, 8);
  return { keys, bits };
})();

/** The group bits of a word hash (0 for none). */
function groupOf(h: number): number {
  const { keys, bits } = groupTable;
  let slot = mix(h) & (GROUP_SLOTS - 1);
  for (;;) {
    const b = bits[slot]!;
    if (b === 0 || keys[slot] === h) return b;
    slot = (slot + 1) & (GROUP_SLOTS - 1);
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** The bucket hash of a fixed feature. */
const fixed = (id: number): number => mix(id ^ KIND_FIXED);
const FIXED_NUMBER = fixed(Fixed.Number);
const FIXED_CAMEL = fixed(Fixed.Camel);
const FIXED_ALPHANUMERIC = fixed(Fixed.AlphaNumeric);
const FIXED_CODE_WORD = fixed(Fixed.CodeWord);
const FIXED_MATH_WORD = fixed(Fixed.MathWord);
const FIXED_REASONING_WORD = fixed(Fixed.ReasoningWord);
const FIXED_ADVANCED_MATH_WORD = fixed(Fixed.AdvancedMathWord);
const FIXED_OPTION_LINE = fixed(Fixed.OptionLine);

/** A short finaliser (half of murmur3's): spreads a 32-bit hash over the low bits. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 15);
}

/** The high-precision signals found by the caller (outside this one-pass scan). */
export interface Signals {
  /** The text holds a ``` fence. */
  readonly fence: boolean;
  /** The text holds a stack trace or a Python traceback. */
  readonly stackTrace: boolean;
}

const log2Bucket = (n: number, max: number): number =>
  Math.min(max, n <= 1 ? 0 : Math.floor(Math.log2(n)));

/**
 * Writes the feature buckets of `text` (already windowed) into `out` and returns how many it
 * wrote. `mask` is the bucket count minus one (a power of two minus one). `chars` is the full
 * text's length, for the length bucket.
 */
export function extractFeatures(
  text: string,
  chars: number,
  signals: Signals,
  mask: number,
  out: Int32Array,
): number {
  let n = 0;
  let prev = 0;
  let first = true;
  let lines = 1;
  // Tokens on the current line so far, and the last word's length and letter: `A.` / `(b)` options.
  let lineTokens = 0;
  let lastWordLen = 0;
  let lastWordChar = 0;
  // The word being read.
  let h = FNV_OFFSET;
  let len = 0;
  let digits = 0;
  let lower = false;
  let camel = false;
  let prefix = 0;
  let lastVisible = 0;
  let numbers = 0;
  const length = text.length;
  // One step past the end, to close the last word (code -1 is neither word nor symbol).
  for (let i = 0; i <= length; i++) {
    let c = i < length ? text.charCodeAt(i) : -1;
    const upper = c >= 65 && c <= 90;
    if (upper) c += 32;
    const isDigit = c >= 48 && c <= 57;
    if ((c >= 97 && c <= 122) || isDigit || c === 95 || c >= 128) {
      if (upper && lower) camel = true;
      lower = !upper && c >= 97 && c <= 122;
      if (isDigit) digits += 1;
      h = Math.imul(h ^ c, FNV_PRIME);
      len += 1;
      if (len === 5) prefix = h;
      lastVisible = c;
      lastWordChar = c;
      continue;
    }
    if (len > 0) {
      // A word ended: its token, bigram, first-word, prefix, shape and group features.
      const token = digits === len ? NUMBER_TOKEN[Math.min(len, 4)]! : h;
      out[n++] = mix(token ^ KIND_WORD) & mask;
      if (prev !== 0) out[n++] = mix(Math.imul(prev, FNV_PRIME) ^ token ^ KIND_BIGRAM) & mask;
      if (first) {
        out[n++] = mix(token ^ KIND_FIRST) & mask;
        first = false;
      }
      prev = token;
      lineTokens += 1;
      if (digits === len) {
        out[n++] = FIXED_NUMBER & mask;
        numbers += 1;
      } else {
        if (len >= 6) out[n++] = mix(prefix ^ KIND_PREFIX) & mask;
        if (camel) out[n++] = FIXED_CAMEL & mask;
        else if (digits > 0) out[n++] = FIXED_ALPHANUMERIC & mask;
        const group = groupOf(h);
        if (group !== 0) {
          if (group & 1) out[n++] = FIXED_CODE_WORD & mask;
          if (group & 2) out[n++] = FIXED_MATH_WORD & mask;
          if (group & 4) out[n++] = FIXED_REASONING_WORD & mask;
          if (group & 8) out[n++] = FIXED_ADVANCED_MATH_WORD & mask;
        }
      }
      lastWordLen = len;
      h = FNV_OFFSET;
      len = 0;
      digits = 0;
      lower = false;
      camel = false;
    } else lastWordLen = 0;
    if (c === 10) {
      lines += 1;
      lineTokens = 0;
      continue;
    }
    if (c <= 32) continue;
    // A symbol: a token of its own. `A.`, `b)` or `(C)` opening a line marks a list of options.
    if (
      (c === 46 || c === 41) &&
      lastWordLen === 1 &&
      lineTokens <= 2 &&
      lastWordChar >= 97 &&
      lastWordChar <= 101
    ) {
      out[n++] = FIXED_OPTION_LINE & mask;
    }
    const token = (0x7f4a7c15 + Math.imul(c, 0x2545f491)) | 0;
    out[n++] = mix(token ^ KIND_WORD) & mask;
    if (prev !== 0) out[n++] = mix(Math.imul(prev, FNV_PRIME) ^ token ^ KIND_BIGRAM) & mask;
    if (first) {
      out[n++] = mix(token ^ KIND_FIRST) & mask;
      first = false;
    }
    prev = token;
    lineTokens += 1;
    lastVisible = c;
  }
  if (lastVisible === 63) out[n++] = fixed(Fixed.EndsWithQuestion) & mask;
  if (signals.fence) out[n++] = fixed(Fixed.Fence) & mask;
  if (signals.stackTrace) out[n++] = fixed(Fixed.StackTrace) & mask;
  out[n++] = fixed(Fixed.LengthBase + log2Bucket(chars, 24)) & mask;
  out[n++] = fixed(Fixed.LinesBase + log2Bucket(lines, 16)) & mask;
  out[n++] = fixed(Fixed.NumbersBase + (numbers < 3 ? numbers : numbers < 5 ? 3 : 4)) & mask;
  return n;
}
