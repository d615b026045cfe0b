/**
 * `npx tsx examples/wrap-existing-clients.ts`: wrap the model clients you already have.
 *
 * Three async client functions, shaped like real SDK calls that take `{ signal }` (a 7B coder, a 4B
 * embedder and a 14B reasoner; here simulated with `setTimeout`), become the router's models. The
 * script sends a prompt, a chat and an embedding request and prints which model served each and
 * why; then a burst of code requests shows the `dispatch`, `complete` and `overflow` events, a
 * `CAPACITY_EXCEEDED` and a `TIMEOUT`, both handled with `isZetaError`. Runs in about a second.
 */
import {
  isZetaError,
  type ModelConfig,
  type RunInfo,
  seededRandom,
  ZetaDynamicRouter,
} from '../src/index.js';

// ── Your existing clients ─────────────────────────────────────────────────────────────────────
// Stand-ins for real SDK calls: each answers after a delay and stops early when `signal` aborts,
// rejecting with the signal's reason, as fetch-based clients do.

interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** The 7B coder: a completion API. */
async function coderComplete(
  prompt: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<{ text: string }> {
  await delay(120, signal);
  return { text: `// 7B completion for "${prompt.slice(0, 24)}..."` };
}

/** The 4B embedder: an embeddings API. */
async function embedTexts(
  input: readonly string[],
  { signal }: { signal?: AbortSignal } = {},
): Promise<{ vectors: number[][] }> {
  await delay(20, signal);
  return { vectors: input.map((text) => [text.length / 100, 0.5, 0.25]) };
}

/** The 14B reasoner: a chat API. */
async function reasonerChat(
  messages: readonly ChatMessage[],
  { signal }: { signal?: AbortSignal } = {},
): Promise<{ message: ChatMessage }> {
  await delay(250, signal);
  return { message: { role: 'assistant', content: `14B answer to ${messages.length} message(s)` } };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        console.log(`  (client saw the abort: ${describeReason(signal.reason)})`);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function describeReason(reason: unknown): string {
  return isZetaError(reason) ? reason.code : String(reason);
}

// ── The app's request and response types, and one adapter per client ─────────────────────────

type AppRequest = string | { messages: ChatMessage[] } | { input: string | string[] };
type AppResponse = { text: string } | { vectors: number[][] };

function asMessages(req: AppRequest): ChatMessage[] {
  if (typeof req === 'string') return [{ role: 'user', content: req }];
  if ('messages' in req) return req.messages;
  throw new TypeError('an embedding request cannot be sent to a chat model');
}

const asPrompt = (req: AppRequest): string =>
  asMessages(req)
    .map((m) => m.content)
    .join('\n');

const models: ModelConfig<AppRequest, AppResponse>[] = [
  {
    id: 'coder-7b',
    // Pass ctx.signal on: a timeout or abort then cancels the real call.
    call: (req, ctx) => coderComplete(asPrompt(req), { signal: ctx.signal }),
    tasks: ['simple', 'code', 'reasoning'],
    home: ['code', 'simple'],
    maxComplexity: 0.7,
    concurrency: 2,
    maxQueue: 2,
    cost: 1,
    // Cold-start guesses until samples exist; long reasoning answers are slow on the 7B.
    latencyPriorMs: { simple: 120, code: 120, reasoning: 600 },
  },
  {
    id: 'embedder-4b',
    call: async (req, ctx) => {
      if (typeof req === 'string' || !('input' in req)) throw new TypeError('not an embedding');
      const input = typeof req.input === 'string' ? [req.input] : req.input;
      return embedTexts(input, { signal: ctx.signal });
    },
    tasks: ['embedding'],
    home: ['embedding'],
    concurrency: 4,
    cost: 0.2,
    latencyPriorMs: 20,
  },
  {
    id: 'reasoner-14b',
    call: async (req, ctx) => {
      const { message } = await reasonerChat(asMessages(req), { signal: ctx.signal });
      return { text: message.content };
    },
    tasks: ['simple', 'code', 'reasoning'],
    home: ['reasoning'],
    concurrency: 2,
    maxQueue: 2,
    cost: 3,
    latencyPriorMs: 250,
  },
];

const router = new ZetaDynamicRouter<AppRequest, AppResponse>({
  models,
  // Seeded, so tie-breaks (and this script's output) are the same on every run.
  random: seededRandom(7),
});

// ── Events ────────────────────────────────────────────────────────────────────────────────────

router.on('dispatch', (e) =>
  console.log(
    `  [dispatch] #${e.requestId} ${e.task.type} -> ${e.model} (attempt ${e.attempt}, waited ${ms(e.queuedMs)}${e.spilled ? ', spilled' : ''})`,
  ),
);
router.on('complete', (e) =>
  console.log(
    `  [complete] #${e.requestId} on ${e.model}: call ${ms(e.latencyMs)}, total ${ms(e.totalMs)}`,
  ),
);
router.on('overflow', (e) =>
  console.log(
    `  [overflow] #${e.requestId} ${e.task.type} (home ${e.home.join(', ')}): ${e.model ? `spilled to ${e.model}` : `waits for a slot, ${e.waiting} waiting`}`,
  ),
);

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

function describeComponents(components: Readonly<Record<string, number>>): string {
  return Object.entries(components)
    .map(([name, value]) => `${name} ${Math.round(value * 100) / 100}`)
    .join(', ');
}

function why(info: RunInfo<AppResponse>): string {
  const d = info.decision;
  const chosen = d.ranking.find((r) => r.id === info.model);
  const others = d.ranking
    .filter((r) => r.id !== info.model)
    .map((r) => `${r.id} ${Math.round(r.score)}`);
  return [
    `task ${info.task.type} (complexity ${info.task.complexity.toFixed(2)}), binding '${d.binding}'${d.spilled ? ', spilled' : ''}`,
    chosen
      ? `score ${Math.round(chosen.score)}: ${chosen.reasons.join(', ')}\n    components: ${describeComponents(chosen.components)}`
      : 'bound late, when its slot freed',
    ...(others.length > 0 ? [`other candidates: ${others.join(', ')}`] : []),
    ...(d.unranked.length > 0 ? [`left out by the strategy: ${d.unranked.join(', ')}`] : []),
    ...(d.excluded.length > 0
      ? [`excluded: ${d.excluded.map((x) => `${x.id} (${x.reason})`).join(', ')}`]
      : []),
  ].join('\n    ');
}

// ── 1. One request of each shape ──────────────────────────────────────────────────────────────

console.log('1. One request of each shape');
const requests: Array<[string, AppRequest]> = [
  ['string prompt', 'Write a TypeScript function that debounces another function.'],
  [
    '{ messages } chat',
    {
      messages: [
        { role: 'system', content: 'You are a careful mathematician.' },
        { role: 'user', content: 'Prove step by step that the square root of 2 is irrational.' },
      ],
    },
  ],
  ['{ input } embedding', { input: ['zeta-router routes requests', 'adaptive load balancing'] }],
];
for (const [shape, req] of requests) {
  const info = await router.runWithInfo(req);
  console.log(`${shape}: served by ${info.model}\n    ${why(info)}`);
}

// ── 2. A burst of code requests: the coder fills up, work spills, then the router says no ────

console.log('\n2. A burst of 10 code requests at once (coder: 2 slots + 2 queued)');
const burst = Array.from({ length: 10 }, (_, i) =>
  router.runWithInfo(`Refactor this function, variant ${i}: \`\`\`ts\nlet x = ${i};\n\`\`\``),
);
const outcomes = await Promise.allSettled(burst);
const served: Record<string, number> = {};
let firstCapacityError = true;
for (const outcome of outcomes) {
  if (outcome.status === 'fulfilled') {
    served[outcome.value.model] = (served[outcome.value.model] ?? 0) + 1;
  } else if (isZetaError(outcome.reason) && outcome.reason.code === 'CAPACITY_EXCEEDED') {
    // Shed load: answer 429 / retry later. The message carries the limits; so does error.limits.
    served.CAPACITY_EXCEEDED = (served.CAPACITY_EXCEEDED ?? 0) + 1;
    if (firstCapacityError) {
      firstCapacityError = false;
      console.log(`  CAPACITY_EXCEEDED: ${outcome.reason.message}`);
      console.log(`  limits: ${JSON.stringify(outcome.reason.limits)}`);
    }
  } else {
    throw outcome.reason;
  }
}
console.log(
  `burst outcome: ${Object.entries(served)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);

// ── 3. A deadline shorter than the model: TIMEOUT, and the client sees the abort ─────────────

console.log('\n3. A reasoning request with timeoutMs: 100 (the reasoner needs ~250ms)');
try {
  await router.run(
    { messages: [{ role: 'user', content: 'Derive the variance of a geometric distribution.' }] },
    { timeoutMs: 100 },
  );
} catch (error) {
  if (!isZetaError(error) || error.code !== 'TIMEOUT') throw error;
  console.log(`TIMEOUT: ${error.message}`);
}

await router.close();
console.log('\nrouter closed: every request settled.');
