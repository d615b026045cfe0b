/**
 * The cues of the rule classifier: the public `Cue` type and the built-in lists. Every built-in
 * pattern uses bounded quantifiers only (`{0,8}`, never `*` or `+`), so no input can make one
 * backtrack for long: the cost of a scan grows linearly with the text scanned.
 */

/**
 * A cue: text or a pattern that hints at a task type. A string matches as a whole word (or symbol),
 * case-insensitively; a RegExp matches as written (its `g` and `y` flags are dropped so matching
 * keeps no state). Plain cues weigh 1; give a `weight` to make a cue weaker or stronger.
 *
 * A prompt counts as `code` or `reasoning` once the weights of the distinct cues it matches add up
 * to 1 or more. A RegExp cue runs on every scanned prompt: prefer bounded quantifiers (`\s{0,8}`
 * rather than `\s*`), since a pattern with nested or adjacent unbounded quantifiers can backtrack
 * for seconds on a hostile prompt.
 *
 * @example
 * const cues: Cue[] = ['terraform', /\bkubectl\s{1,8}\w/, { pattern: 'yaml', weight: 0.5 }];
 */
export type Cue = string | RegExp | WeightedCue;

/** A {@link Cue} with an explicit weight. */
export interface WeightedCue {
  /** The text (whole word, case-insensitive) or pattern to look for. */
  readonly pattern: string | RegExp;
  /** How much one match counts; the type threshold is 1. Must be a finite number > 0. */
  readonly weight: number;
}

const weak = (pattern: string | RegExp): WeightedCue => ({ pattern, weight: 0.5 });
const strong = (pattern: string | RegExp): WeightedCue => ({ pattern, weight: 2 });

/** A stack trace line or a Python traceback: a high-precision code signal. */
export const stackTracePattern =
  /Traceback \(most recent call last\)|File "[^"\n]{1,300}", line \d|^[ \t]{1,16}at [\w$.<>]{1,200}[ \t]{0,4}\(?[^\n]{0,300}:\d{1,7}(?::\d{1,7})?\)?[ \t]{0,8}$/m;

/**
 * The built-in code cues: fences, syntax (imports, function / def / class headers, `#include`, SQL,
 * arrows, `;`/`{`-terminated lines), stack traces, file names, and programming vocabulary. Ambiguous
 * words (`bug`, `code`, `function`, `java`) weigh 0.5, so one of them alone is not enough.
 */
export const defaultCodeCues: readonly Cue[] = Object.freeze([
  strong('```'),
  strong(/#include[ \t]{0,8}[<"]/),
  strong(stackTracePattern),
  /^[ \t]{0,16}(?:import[ \t]{1,8}[^\n]{0,200}\bfrom[ \t]{1,8}['"]|import[ \t]{1,8}['"]|import[ \t]{1,8}[\w.]{1,100}\*?[ \t]{0,8};|(?:from[ \t]{1,8}[\w.]{1,100}[ \t]{1,8})?import[ \t]{1,8}[\w.]{1,100}(?:[ \t]{1,8}as[ \t]{1,8}\w{1,60})?[ \t]{0,8}$)/m,
  /\bfunction\s{0,8}\*?\s{0,8}[\w$]{0,60}\s{0,8}\([^)\n]{0,200}\)\s{0,8}\{/,
  /\bdef\s{1,8}\w{1,60}\s{0,8}\(/,
  /\bclass\s{1,8}[A-Z]\w{0,60}\s{0,8}(?:[:({<]|extends\b|implements\b)/,
  /\b(?:const|let|var)\s{1,8}[\w$]{1,60}\s{0,8}=/,
  /\bSELECT\b[\s\S]{1,300}?\bFROM\b|\bselect\s{1,8}\*\s{1,8}from\b/,
  /\)\s{0,8}=>|[\w$]\s{0,8}=>\s{0,8}[{(\w]/,
  /[;{}][ \t]{0,16}\n[^\n]{0,300}[;{}][ \t]{0,16}$/m,
  /(?:Error|Exception):\s/,
  /\w\.(?:ts|tsx|js|jsx|mjs|cjs|py|rs|go|java|kt|c|h|cpp|cc|hpp|cs|rb|php|swift|sql|sh)\b/,
  /\brefactor/i,
  /\bdebug/i,
  'stack trace',
  'segfault',
  'null pointer',
  'syntax error',
  'unit test',
  'regex',
  'typescript',
  'javascript',
  'python',
  'golang',
  'kotlin',
  'c++',
  'c#',
  'sql',
  'npm',
  'pip install',
  'programming',
  weak(/\bcompil(?:e|es|ed|er|ing|ation)\b/i),
  weak(/\bbugs?\b/i),
  weak('code'),
  weak('function'),
  weak('script'),
  weak('implement'),
  weak('algorithm'),
  weak('api'),
  weak('java'),
  weak('rust'),
]);

/**
 * The built-in reasoning cues: proofs, derivations, step-by-step requests, analysis, maths
 * vocabulary, maths symbols, LaTeX and equations. Softer words (`why`, `explain`, `compare`,
 * `calculate`) weigh 0.5, so "why is the sky blue?" stays `simple` but "explain why..." does not.
 */
export const defaultReasoningCues: readonly Cue[] = Object.freeze([
  /\bprov(?:e|es|ed|ing)\b|\bproofs?\b/i,
  /\bstep[-\s]by[-\s]step\b/i,
  /\bderiv(?:e|es|ed|ing|ation|ative|atives)\b/i,
  /\banaly[sz](?:e|es|ed|is|ing)\b/i,
  /\b(?:eigen|(?:theorem|lemma|corollary|axiom|integral|polynomial|logarithm|probability|equation)s?\b)/i,
  /\bjustify\b|\bthink (?:carefully|through)\b|\bpuzzle\b|\briddle\b/i,
  /[∫∑∏√∞≤≥≠≈∀∃∂∇±∈⊂⊆∪∩⇒⟹]/,
  /\\(?:frac|sum|int|sqrt|prod|lim|infty|cdot|mathbb|begin\{(?:equation|align))/,
  /(?:\d\s{0,4}[-+*/×÷^]\s{0,4}\d[\d.]{0,30}|[a-z]\s{0,4}[-+]\s{0,4}\d{1,30})\s{0,4}=|[\w)]\^\s{0,4}\d/,
  weak('why'),
  weak('explain'),
  weak(/\bcompar(?:e|es|ing|ison)\b/i),
  weak(/\btrade-?offs?\b|\bpros and cons\b/i),
  weak(/\b(?:calculate|compute|solve|evaluate)\b/i),
  weak(/\breason(?:ing)?\b/i),
  weak('how many'),
]);
