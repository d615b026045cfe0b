import { describe, expect, it } from 'vitest';
import { createEmbeddingClassifier } from '../../src/classify/embeddingClassifier.js';
import { configError } from '../helpers/configError.js';

/** A toy embedding: counts of a few marker words. */
const markers = ['translate', 'select', 'poem'];
const calls: string[] = [];
const embed = (text: string): number[] => {
  calls.push(text);
  const lower = text.toLowerCase();
  return markers.map((m) => (lower.includes(m) ? 1 : 0));
};
const examples = [
  { request: 'Translate hello into French', label: 'translation' },
  { request: 'translate this menu', label: 'translation' },
  { request: 'SELECT the users who paid', label: 'sql' },
  { request: 'Write a poem', label: 'creative' },
];

describe('createEmbeddingClassifier', () => {
  it('picks the nearest centroid, embedding the examples once', async () => {
    calls.length = 0;
    const classify = createEmbeddingClassifier({ embed, examples });
    expect(classify.labels).toEqual(['translation', 'sql', 'creative']);
    await classify.ready();
    expect(calls).toHaveLength(4);
    expect((await classify('please translate the sign')).type).toBe('translation');
    expect((await classify({ messages: [{ role: 'user', content: 'a poem on tea' }] })).type).toBe(
      'creative',
    );
    expect(calls).toHaveLength(6);
    const profile = await classify('select names');
    expect(profile).toMatchObject({ type: 'sql', tokens: 3 + 512, priority: 0 });
    expect(profile.complexity).toBeGreaterThanOrEqual(0);
    expect(profile.complexity).toBeLessThanOrEqual(1);
  });

  it('answers embedding requests by shape without calling embed', async () => {
    calls.length = 0;
    const classify = createEmbeddingClassifier({ embed, examples });
    expect(await classify({ input: 'x' })).toMatchObject({ type: 'embedding', tokens: 1 });
    expect(calls).toHaveLength(0);
  });

  it('rejects when embed fails, and retries the examples on the next call', async () => {
    let fail = true;
    const classify = createEmbeddingClassifier({
      embed: async (text) => {
        if (fail) throw new Error('embedder down');
        return embed(text);
      },
      examples,
    });
    await expect(classify('translate it')).rejects.toThrow('embedder down');
    fail = false;
    expect((await classify('translate it')).type).toBe('translation');
  });

  it('rejects bad options, listing every problem', () => {
    const error = configError(() =>
      createEmbeddingClassifier({
        embed: 1,
        examples: 'x',
        priority: Number.NaN,
        other: 1,
      } as never),
    );
    for (const text of ['`embed`', '`examples`', '`priority`', 'unknown option `other`']) {
      expect(error.message).toContain(text);
    }
    expect(
      configError(() => createEmbeddingClassifier({ embed, examples: examples.slice(0, 2) }))
        .message,
    ).toContain('at least two labels');
  });
});
