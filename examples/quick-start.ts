// The smallest useful router: two existing model clients, one burst, where each request went.
// Run it with `npx tsx examples/quick-start.ts`.
import { ZetaDynamicRouter } from '../src/index.js'; // in your app: from 'zeta-router'

// Stand-ins for the clients your app already has: any async (request, { signal }) => result.
const model =
  (name: string, ms: number) =>
  (prompt: string, { signal }: { signal: AbortSignal }): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(`${name} answered: ${prompt}`), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
const coder = model('coder-7b', 40);
const reasoner = model('reasoner-14b', 90);

const router = new ZetaDynamicRouter({
  models: [
    // The static table becomes a preference: `home` task types, plus what else a model can serve.
    {
      id: 'coder-7b',
      call: coder,
      tasks: ['simple', 'code'],
      home: ['simple', 'code'],
      concurrency: 2,
    },
    {
      id: 'reasoner-14b',
      call: reasoner,
      tasks: ['simple', 'code', 'reasoning'],
      home: ['reasoning'],
      concurrency: 2,
    },
  ],
});

// A burst of code requests: the coder fills up, the overflow spills to the reasoner.
const burst = Array.from({ length: 6 }, (_, i) =>
  router.runWithInfo(`Write a function that parses CSV line ${i}`, { task: 'code' }),
);
for (const info of await Promise.all(burst)) {
  console.log(
    `${info.model.padEnd(12)} ${info.decision.spilled ? 'spilled' : 'home   '} ${info.result}`,
  );
}
await router.close();
