/**
 * `npx tsx examples/custom-classifier.ts`: decide the task type your way.
 *
 * 1. A custom classifier is a plain function from your request to a task profile: here it routes by
 *    the `kind` field of the app's own ticket type and takes complexity from the app's own signal
 *    (files touched), so a big fix skips the coder, whose `maxComplexity` is 0.6.
 * 2. `createRuleClassifier` keeps the built-in rules and adds code cues of your domain (the
 *    router's default is the learned `defaultClassifier`; the rules are the transparent option).
 * 3. A per-call `task` skips the classifier altogether.
 */
import {
  type CallContext,
  type Classifier,
  createRuleClassifier,
  type ModelConfig,
  seededRandom,
  type TaskType,
  ZetaDynamicRouter,
} from '../src/index.js';

/** Fake models answering after a short delay; the point here is where requests go. */
function fleet<Req>(): ModelConfig<Req, string>[] {
  const answer =
    (id: string, ms: number) =>
    (_req: Req, ctx: CallContext): Promise<string> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(`${id} done`), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
  return [
    {
      id: 'coder-7b',
      call: answer('coder-7b', 30),
      tasks: ['simple', 'code'],
      home: ['simple', 'code'],
      maxComplexity: 0.6,
      concurrency: 4,
      latencyPriorMs: 30,
    },
    {
      id: 'embedder-4b',
      call: answer('embedder-4b', 10),
      tasks: ['embedding'],
      home: ['embedding'],
      concurrency: 4,
      latencyPriorMs: 10,
    },
    {
      id: 'reasoner-14b',
      call: answer('reasoner-14b', 60),
      tasks: ['simple', 'code', 'reasoning'],
      home: ['reasoning'],
      concurrency: 2,
      latencyPriorMs: 60,
    },
  ];
}

// ── 1. A classifier over the app's own request type ──────────────────────────────────────────

/** What the app already sends around: a support ticket with its own hints. */
interface Ticket {
  readonly kind: 'faq' | 'fix-bug' | 'index-docs' | 'root-cause';
  readonly text: string;
  /** The app's own difficulty signal. */
  readonly filesTouched: number;
  readonly tier: 'free' | 'pro';
}

const typeOfKind: Record<Ticket['kind'], TaskType> = {
  faq: 'simple',
  'fix-bug': 'code',
  'index-docs': 'embedding',
  'root-cause': 'reasoning',
};

/** No text rules at all: the ticket says what it is. Keep classifiers this cheap (hot path). */
const classifyTicket: Classifier<Ticket> = (ticket) => ({
  type: typeOfKind[ticket.kind],
  complexity: Math.min(1, ticket.filesTouched / 10),
  tokens: Math.ceil(ticket.text.length / 4) + 512,
  priority: ticket.tier === 'pro' ? 1 : 0,
});

const tickets = new ZetaDynamicRouter<Ticket, string>({
  models: fleet<Ticket>(),
  classifier: classifyTicket,
  random: seededRandom(1),
});

console.log('1. Custom classifier: route by ticket kind, complexity from files touched');
const examples: Ticket[] = [
  { kind: 'faq', text: 'How do I reset my password?', filesTouched: 0, tier: 'free' },
  { kind: 'fix-bug', text: 'Off-by-one in pagination', filesTouched: 2, tier: 'pro' },
  { kind: 'fix-bug', text: 'Race in the session store', filesTouched: 9, tier: 'pro' },
  { kind: 'index-docs', text: 'Release notes 4.2', filesTouched: 0, tier: 'free' },
  { kind: 'root-cause', text: 'Why did checkout latency double?', filesTouched: 3, tier: 'pro' },
];
for (const ticket of examples) {
  const info = await tickets.runWithInfo(ticket);
  console.log(
    `  ${ticket.kind} (${ticket.filesTouched} files) -> ${info.task.type}, complexity ${info.task.complexity}, priority ${info.task.priority}: served by ${info.model}`,
  );
}
// explain() shows why the coder was not a candidate for the big fix (nothing is run).
const bigFix = examples[2]!;
for (const x of tickets.explain(bigFix).excluded) console.log(`  explain: ${x.id} ${x.reason}`);
await tickets.close();

// ── 2. The rule classifier with extra code cues ──────────────────────────────────────────────

console.log('\n2. createRuleClassifier with extra code cues');
const plainRules = createRuleClassifier();
const infraAware = createRuleClassifier({
  // A string matches as a whole word, case-insensitively; a RegExp as written; weight 1 is enough.
  extraCodeCues: ['terraform', /\bkubectl\s+\w+/, { pattern: 'helm chart', weight: 1 }],
});
const prompts = [
  'Write a terraform module for an S3 bucket with versioning',
  'Run kubectl rollout restart for the web deployment',
  'What is the capital of Portugal?',
];
const chat = new ZetaDynamicRouter<string, string>({
  models: fleet<string>(),
  classifier: infraAware,
  random: seededRandom(2),
});
for (const prompt of prompts) {
  const before = plainRules(prompt).type;
  const info = await chat.runWithInfo(prompt);
  console.log(
    `  "${prompt}": default rules say ${before}, with extra cues ${info.task.type} -> ${info.model}`,
  );
}

// ── 3. A per-call task skips the classifier ───────────────────────────────────────────────────

console.log('\n3. Per-call task override');
const summary = 'Summarise this incident report for the on-call team.';
const auto = await chat.runWithInfo(summary);
console.log(`  classified: ${auto.task.type} -> ${auto.model}`);
const asType = await chat.runWithInfo(summary, { task: 'reasoning' });
console.log(`  { task: 'reasoning' } -> ${asType.model} (complexity ${asType.task.complexity})`);
const asProfile = await chat.runWithInfo(summary, {
  task: { type: 'code', complexity: 0.9, tokens: 4000 },
});
console.log(
  `  { task: { type: 'code', complexity: 0.9 } } -> ${asProfile.model} (coder-7b: ${asProfile.decision.excluded.find((x) => x.id === 'coder-7b')?.reason})`,
);
await chat.close();
