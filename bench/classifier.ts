/**
 * Classifier cost: median and p99 µs per classification of the learned default classifier and of
 * the rule classifier, at prompt sizes from 100 B to 10 MB (as a string and as a chat request),
 * and the worst single call (the longest the event loop is blocked) over adversarial inputs.
 * Figures are printed, never asserted.
 */
import { createRuleClassifier, defaultClassifier } from '../dist/index.js';
import { target } from './targets.js';

const sentence =
  'Please write a function that parses the CSV file, then explain how many rows are left. ';

function prompt(size: number): string {
  const text = sentence.repeat(Math.ceil(size / sentence.length)).slice(0, size);
  // Flatten the string now, so the first timed call does not pay for it.
  return text.split('').length >= 0 ? `${text}` : text;
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** µs per call: median and p99 over `runs` calls (after a warm-up), and the worst. */
function time(classify: (req: unknown) => unknown, reqs: readonly unknown[], runs: number) {
  for (let i = 0; i < Math.min(runs, 200); i++) classify(reqs[i % reqs.length]);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const req = reqs[i % reqs.length];
    const start = process.hrtime.bigint();
    classify(req);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: samples.at(-1)! };
}

const adversarial: Record<string, string> = {
  "'function' and spaces, 2 KB": `${'function '.repeat(10)}${' '.repeat(1500)}${'function'.repeat(60)}`,
  'newlines, 16 KB': '\n'.repeat(16_384),
  'space-newline, 16 KB': ' \n'.repeat(8192),
  'backticks, 16 KB': '`'.repeat(16_384),
  'unclosed fences, 16 KB': '```ts\n'.repeat(2730),
  'stack-trace starts, 16 KB': '    at '.repeat(2340),
  'SELECT, 16 KB': 'SELECT '.repeat(2340),
  '1+, 16 KB': '1+'.repeat(8192),
  'spaces, 10 MB': ' '.repeat(10_000_000),
  "'function ', 10 MB": 'function '.repeat(1_111_111),
};

export async function classifierBench(): Promise<void> {
  const rules = createRuleClassifier();
  const learned = defaultClassifier;
  const sizes: [string, number, number][] = [
    ['100 B', 100, 20_000],
    ['2 KB', 2048, 20_000],
    ['16 KB', 16_384, 10_000],
    ['1 MB', 1 << 20, 2000],
    ['10 MB', 10_000_000, 200],
  ];
  console.log('\n## Classifier: µs per call (median / p99), learned default vs rule classifier');
  let p50UpTo16k = 0;
  let p99UpTo16k = 0;
  console.log(
    `${'prompt'.padEnd(22)}${'learned p50'.padStart(12)}${'p99'.padStart(9)}${'rules p50'.padStart(12)}${'p99'.padStart(9)}`,
  );
  for (const [name, size, runs] of sizes) {
    // A few different prompts of the size, so no branch predictor or cache learns one by heart.
    const texts = [0, 1, 2, 3].map((k) => prompt(size + k));
    for (const [shape, reqs] of [
      ['string', texts],
      ['chat', texts.map((t) => ({ messages: [{ role: 'user', content: t }] }))],
    ] as const) {
      const a = time(learned, reqs, runs);
      const b = time(rules, reqs, runs);
      if (size <= 16_384) {
        p50UpTo16k = Math.max(p50UpTo16k, a.p50);
        p99UpTo16k = Math.max(p99UpTo16k, a.p99);
      }
      console.log(
        `${`${name} ${shape}`.padEnd(22)}${a.p50.toFixed(1).padStart(12)}${a.p99.toFixed(1).padStart(9)}${b.p50.toFixed(1).padStart(12)}${b.p99.toFixed(1).padStart(9)}`,
      );
    }
  }
  console.log('\nworst single call (ms) over adversarial inputs, each at every request shape');
  console.log(`${'input'.padEnd(30)}${'learned'.padStart(10)}${'rules'.padStart(10)}`);
  let worstLearned = 0;
  let worstRules = 0;
  for (const [name, text] of Object.entries(adversarial)) {
    const reqs = [
      text,
      { prompt: text },
      { messages: [{ role: 'user', content: text }] },
      { input: [{ role: 'user', content: text }] },
      { input: text },
    ];
    // Collect garbage first where allowed (npm run bench passes --expose-gc), so a collection
    // that the inputs' own construction left due is not charged to the classifier.
    globalThis.gc?.();
    const a = time(learned, reqs, 25).max / 1000;
    globalThis.gc?.();
    const b = time(rules, reqs, 25).max / 1000;
    worstLearned = Math.max(worstLearned, a);
    worstRules = Math.max(worstRules, b);
    console.log(`${name.padEnd(30)}${a.toFixed(3).padStart(10)}${b.toFixed(3).padStart(10)}`);
  }
  console.log(
    `${'worst'.padEnd(30)}${worstLearned.toFixed(3).padStart(10)}${worstRules.toFixed(3).padStart(10)}`,
  );
  console.log('');
  console.log(
    `classifier p50 up to 16 KB  ${target('classifier: p50 up to 16 KB (µs)', p50UpTo16k, '<=', 15, ' µs')}`,
  );
  console.log(
    `classifier p99 up to 16 KB  ${target('classifier: p99 up to 16 KB (µs)', p99UpTo16k, '<=', 60, ' µs')}`,
  );
  console.log(
    `worst event-loop block      ${target('classifier: worst single call (ms)', worstLearned, '<=', 5, ' ms')}`,
  );
}
